# Small fixed datasets for the penalised-estimation (Firth / Jeffreys prior) references.
#
# Run once from the repository root:
#   Rscript tests/results/penalised_datasets.R
# It (re)writes tests/results/penalised_data/*.csv and the manifest
# tests/results/penalised_data/datasets.csv, which tells the R reference scripts and the
# Python tests the outcome, trials, weights and predictors of each dataset, the levels of
# categorical predictors (the first level is the reference) and, for ordinal outcomes, the
# ordered category labels used in the model (empty categories are left out).
#
# The CSV files are the reference data: the tests read them, not this script. Every
# dataset is simulated with its own seed (R's default Mersenne-Twister / Inversion /
# Rejection generators), and values are rounded so that the CSV text is exact.
here <- "tests/results/penalised_data"
dir.create(here, showWarnings = FALSE, recursive = TRUE)
RATINGS <- c("Inadequate", "Requires improvement", "Good", "Outstanding")
manifest <- list()
put <- function(name, family, d, outcome, predictors, factors = list(), trials = "",
                weights = "", levels = "", description) {
  write.csv(d, file.path(here, paste0(name, ".csv")), row.names = FALSE)
  fl <- paste(vapply(names(factors), function(f) paste0(f, "=", paste(factors[[f]], collapse = "|")),
                     ""), collapse = ";")
  manifest[[length(manifest) + 1]] <<- data.frame(
    dataset = name, family = family, outcome = outcome, trials = trials, weights = weights,
    predictors = paste(predictors, collapse = " "), factor_levels = fl,
    outcome_levels = paste(levels, collapse = "|"), n = nrow(d), description = description)
}
cut_rating <- function(latent, cuts) RATINGS[findInterval(latent, cuts) + 1]

# ---------------------------------------------------------------- binomial (k of n)

# 1. ordinary binary outcome, three predictors (one categorical), no separation
set.seed(101)
n <- 80
d <- data.frame(vacancy = round(runif(n, 5, 40), 1), sickness = round(rnorm(n, 10, 3), 1),
                area = sample(c("urban", "mixed", "rural"), n, replace = TRUE))
eta <- 1.2 - 0.07 * d$vacancy + 0.1 * (d$sickness - 10) +
  c(urban = 0, mixed = 0.5, rural = 0.9)[d$area]
d$k <- rbinom(n, 1, plogis(eta)); d$n <- 1
put("bin_ordinary", "binomial", d, "k", c("vacancy", "sickness", "area"),
    list(area = c("urban", "mixed", "rural")), trials = "n",
    description = "binary, 80 rows, no separation")

# 2. complete separation: vacancy > 20 exactly when k = 1
set.seed(102)
n <- 40
d <- data.frame(vacancy = round(runif(n, 5, 35), 1), sickness = round(rnorm(n, 10, 3), 1))
d$vacancy[abs(d$vacancy - 20) < 1] <- d$vacancy[abs(d$vacancy - 20) < 1] + 2
d$k <- as.integer(d$vacancy > 20); d$n <- 1
put("bin_complete", "binomial", d, "k", c("vacancy", "sickness"), trials = "n",
    description = "binary, 40 rows, vacancy completely separates")

# 3. quasi-complete separation: integer score; k = 0 below 5, 1 above 5, both at 5
set.seed(103)
n <- 50
d <- data.frame(score = sample(0:10, n, replace = TRUE), sickness = round(rnorm(n, 10, 3), 1))
d$score[1:6] <- 5
d$k <- as.integer(d$score > 5)
d$k[d$score == 5] <- rep(c(0, 1), length.out = sum(d$score == 5)); d$n <- 1
put("bin_quasi", "binomial", d, "k", c("score", "sickness"), trials = "n",
    description = "binary, 50 rows, score quasi-completely separates (overlap at score 5)")

# 4. a predictor in hundreds (caseload) with complete separation at 500
set.seed(104)
n <- 30
d <- data.frame(caseload = round(runif(n, 200, 900)), vacancy = round(runif(n, 5, 40), 1))
d$caseload[abs(d$caseload - 500) < 20] <- d$caseload[abs(d$caseload - 500) < 20] + 40
d$k <- as.integer(d$caseload > 500); d$n <- 1
put("bin_hundreds", "binomial", d, "k", c("caseload", "vacancy"), trials = "n",
    description = "binary, 30 rows, caseload (200-900) completely separates at 500")

# 5. aggregated binomial with 12 region clusters, overdispersed (region effect + beta noise)
set.seed(105)
G <- 12; m <- 5; n <- G * m
d <- data.frame(region = rep(sprintf("R%02d", 1:G), each = m),
                vacancy = round(runif(n, 5, 40), 1), caseload = round(rnorm(n, 45, 8), 1),
                n = sample(5:60, n, replace = TRUE))
u <- rnorm(G, 0, 0.5)[rep(1:G, each = m)]
mu <- plogis(1.0 - 0.04 * d$vacancy + 0.02 * (d$caseload - 45) + u)
rho <- 0.05
p <- rbeta(n, mu * (1 - rho) / rho, (1 - mu) * (1 - rho) / rho)
d$k <- rbinom(n, d$n, p)
d <- d[, c("region", "vacancy", "caseload", "k", "n")]
put("bin_aggregated", "binomial", d, "k", c("vacancy", "caseload"), trials = "n",
    description = "k of n (n 5-60), 60 rows in 12 regions, overdispersed")

# 6. aggregated binomial with a separated covariate: every flagged row has k = 0
set.seed(106)
n <- 40
d <- data.frame(vacancy = round(runif(n, 5, 40), 1), flag = rep(c(0, 1), c(32, 8)),
                n = sample(5:60, n, replace = TRUE))
d$k <- rbinom(n, d$n, plogis(0.5 - 0.03 * d$vacancy))
d$k[d$flag == 1] <- 0
put("bin_aggregated_sep", "binomial", d, "k", c("vacancy", "flag"), trials = "n",
    description = "k of n (n 5-60), 40 rows; flag = 1 rows all have k = 0 (quasi-complete)")

# 7. tiny, shaped like the real data: 4 'Inadequate' (k = 1) with PO vacancy 32-45%,
#    2 'Requires improvement' (k = 0) with 27-30%
d <- data.frame(vacancy_rate_po = c(32.4, 45.0, 38.7, 35.1, 27.3, 29.8), k = c(1, 1, 1, 1, 0, 0),
                n = 1)
put("bin_tiny", "binomial", d, "k", "vacancy_rate_po", trials = "n",
    description = "6 units: Inadequate (k = 1) x4 at vacancy 32-45, RI x2 at 27-30")

# ---------------------------------------------------------------- ordinal

# 1. ordinary: 4 levels, three predictors (one categorical), no separation
set.seed(201)
n <- 100
d <- data.frame(vacancy = round(runif(n, 5, 40), 1), sickness = round(rnorm(n, 10, 3), 1),
                era = sample(c("early", "middle", "late"), n, replace = TRUE))
lat <- -0.07 * d$vacancy - 0.08 * d$sickness + c(early = 0, middle = 0.4, late = 0.8)[d$era] +
  rlogis(n)
d$rating <- cut_rating(lat, c(-3.3, -2.0, -0.6))
put("ord_ordinary", "ordinal", d, "rating", c("vacancy", "sickness", "era"),
    list(era = c("early", "middle", "late")), levels = RATINGS,
    description = "4 levels, 100 rows, no separation")

# 2. complete separation: vacancy orders the three observed categories exactly
set.seed(202)
n <- 45
d <- data.frame(vacancy = round(runif(n, 5, 40), 1), sickness = round(rnorm(n, 10, 3), 1))
for (b in c(17, 28)) {
  near <- abs(d$vacancy - b) < 1
  d$vacancy[near] <- d$vacancy[near] + 2
}
d$rating <- RATINGS[3 - findInterval(d$vacancy, c(17, 28))]
put("ord_complete", "ordinal", d, "rating", c("vacancy", "sickness"), levels = RATINGS[1:3],
    description = "3 levels, 45 rows, vacancy completely orders the ratings")

# 3. quasi-complete separation: score orders the ratings with overlap at score 4 only
set.seed(203)
n <- 60
d <- data.frame(score = sample(0:9, n, replace = TRUE), sickness = round(rnorm(n, 10, 3), 1))
d$score[1:6] <- 4
code <- ifelse(d$score < 4, 3, ifelse(d$score > 6, 1, 2))
at4 <- which(d$score == 4)
code[at4] <- rep(c(2, 3), length.out = length(at4))
d$rating <- RATINGS[code]
put("ord_quasi", "ordinal", d, "rating", c("score", "sickness"), levels = RATINGS[1:3],
    description = "3 levels, 60 rows, score quasi-completely separates (overlap at score 4)")

# 4. a predictor in hundreds (caseload) completely ordering three ratings
set.seed(204)
n <- 36
d <- data.frame(caseload = round(runif(n, 200, 900)), vacancy = round(runif(n, 5, 40), 1))
for (b in c(430, 670)) {
  near <- abs(d$caseload - b) < 15
  d$caseload[near] <- d$caseload[near] + 30
}
d$rating <- RATINGS[3 - findInterval(d$caseload, c(430, 670))]
put("ord_hundreds", "ordinal", d, "rating", c("caseload", "vacancy"), levels = RATINGS[1:3],
    description = "3 levels, 36 rows, caseload (200-900) completely orders the ratings")

# 5. tiny, shaped like the real data: 6 units, 2 of the 4 rating levels observed
d <- data.frame(vacancy_rate_po = c(32.4, 45.0, 38.7, 35.1, 27.3, 29.8),
                rating = RATINGS[c(1, 1, 1, 1, 2, 2)])
put("ord_tiny", "ordinal", d, "rating", "vacancy_rate_po", levels = RATINGS[1:2],
    description = "6 units: Inadequate x4 at vacancy 32-45, Requires improvement x2 at 27-30")

# 6. four-level scale with the top level empty: three levels used, no separation
set.seed(206)
n <- 50
d <- data.frame(vacancy = round(runif(n, 5, 40), 1), caseload = round(rnorm(n, 45, 8), 1))
lat <- -0.06 * d$vacancy - 0.03 * (d$caseload - 45) + rlogis(n)
d$rating <- cut_rating(lat, c(-2.2, -0.6, Inf))
put("ord_empty_top", "ordinal", d, "rating", c("vacancy", "caseload"), levels = RATINGS[1:3],
    description = "4-level scale, no 'Outstanding': 3 levels used, 50 rows")

# 7. frequency-weighted: 40 distinct rows with an integer weight 1-5
set.seed(207)
n <- 40
d <- data.frame(vacancy = round(runif(n, 5, 40), 1),
                era = sample(c("pre", "post"), n, replace = TRUE),
                weight = sample(1:5, n, replace = TRUE))
lat <- -0.06 * d$vacancy + c(pre = 0, post = 0.7)[d$era] + rlogis(n)
d$rating <- cut_rating(lat, c(-2.4, -1.0, 0.3))
put("ord_weighted", "ordinal", d, "rating", c("vacancy", "era"), list(era = c("pre", "post")),
    weights = "weight", levels = RATINGS,
    description = "4 levels, 40 distinct rows with frequency weights 1-5")

man <- do.call(rbind, manifest)
write.csv(man, file.path(here, "datasets.csv"), row.names = FALSE)
cat("wrote", nrow(man), "datasets to", here, "\n")
print(man[, c("dataset", "family", "n", "description")])
