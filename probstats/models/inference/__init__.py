"""Inference for any fitted model: predictions, resampling, power, missing data."""
