"""Official workforce and caseload statistics (HMPPS, Ministry of Justice, Parliament)."""

from probstats.official.workforce import *  # noqa: F403
from probstats.official.workforce import __all__
