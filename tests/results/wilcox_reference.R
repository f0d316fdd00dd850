# Reference numbers for tests/test_exact.py: exact Wilcoxon-Mann-Whitney test with the
# Hodges-Lehmann shift and its exact confidence interval (no ties).
# Run from the repository root:
#   Rscript tests/results/wilcox_reference.R > tests/results/wilcox_reference.txt
options(digits = 15)
sets <- list(
  a = list(x = c(1.12573022, -0.13210486, 1.64042265, 1.10490012, 0.46433063, 1.36159505,
                 2.30400005, 1.94708096, 0.29626175),
           y = c(-1.07127584, 0.3908, 1.2, -0.5, 0.1, 0.2, -0.3, 0.7)),
  b = list(x = c(12.5, 18.25, 21, 33.75, 41.5, 9.125),
           y = c(4.5, 7.75, 15.5, 16.25, 2.125, 30.5, 11.0)),
  c = list(x = c(5.5, 6.25, 7.0, 8.5, 9.75, 10.25, 11.5, 12.0, 13.5, 14.25),
           y = c(1.5, 2.25, 3.0, 6.75, 8.0))
)
for (nm in names(sets)) {
  s <- sets[[nm]]
  for (level in c(0.9, 0.95)) {
    w <- wilcox.test(s$x, s$y, conf.int = TRUE, exact = TRUE, conf.level = level)
    cat(sprintf("%s,%.2f,%.15g,%.15g,%.15g,%.15g\n", nm, level, w$p.value, w$estimate,
                w$conf.int[1], w$conf.int[2]))
  }
}
