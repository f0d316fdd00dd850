# Reference numbers for tests/test_ordinal_r.py (proportional-odds models).
# Data: polr_data.csv (120 simulated inspections; fixed, stored with the tests).
# Run from the repository root:
#   Rscript tests/results/polr_reference.R > tests/results/polr_reference.txt
# It prints human-readable output and writes tests/results/polr_reference_values.csv
# (columns: source, link, quantity, term, term2, value) read by the tests.
suppressPackageStartupMessages({
  library(MASS)
  library(ordinal)
  library(car)
})
options(digits = 10)
here <- "tests/results"
d <- read.csv(file.path(here, "polr_data.csv"), stringsAsFactors = FALSE)
d$overall_rating <- factor(d$overall_rating, ordered = TRUE,
  levels = c("Inadequate", "Requires improvement", "Good", "Outstanding"))
d$era <- factor(d$era, levels = c("post_unification", "pre_unification"))
f <- overall_rating ~ vacancy_rate_po + caseload_average_po + sickness_days_all + era
rows <- list()
add <- function(source, link, quantity, term, value, term2 = "") {
  rows[[length(rows) + 1]] <<- data.frame(source = source, link = link, quantity = quantity,
    term = term, term2 = term2, value = sprintf("%.17g", value))
}
for (link in c("logit", "probit")) {
  method <- if (link == "logit") "logistic" else "probit"
  m <- polr(f, data = d, method = method, Hess = TRUE, control = list(reltol = 1e-12))
  cat("\n==== MASS::polr", link, "====\n"); print(summary(m))
  cat("logLik:", format(logLik(m), digits = 15), "\n")
  for (t in names(coef(m))) add("polr", link, "coef", t, coef(m)[[t]])
  for (t in names(m$zeta)) add("polr", link, "zeta", t, m$zeta[[t]])
  add("polr", link, "loglik", "", as.numeric(logLik(m)))
  add("polr", link, "aic", "", AIC(m))
  add("polr", link, "bic", "", BIC(m))
  ci <- suppressMessages(confint(m, level = 0.95))
  cat("profile confint (MASS):\n"); print(ci)
  for (t in rownames(ci)) {
    add("polr", link, "profile_low", t, ci[t, 1]); add("polr", link, "profile_high", t, ci[t, 2])
  }
  pr <- predict(m, newdata = d[1:5, ], type = "probs")
  cat("predicted probabilities, rows 1-5:\n"); print(pr)
  for (i in 1:5) for (k in colnames(pr)) add("polr", link, "prob", as.character(i), pr[i, k], k)

  cm <- clm(f, data = d, link = link, control = clm.control(gradTol = 1e-10, maxIter = 200))
  cat("\n==== ordinal::clm", link, "====\n"); print(summary(cm))
  V <- vcov(cm); est <- coef(cm)
  for (t in names(est)) add("clm", link, "estimate", t, est[[t]])
  for (a in rownames(V)) for (b in colnames(V)) add("clm", link, "vcov", a, V[a, b], b)
  add("clm", link, "loglik", "", as.numeric(logLik(cm)))
  cip <- confint(cm, type = "profile", level = 0.95)
  cat("profile confint (ordinal):\n"); print(cip)
  for (t in rownames(cip)) {
    add("clm", link, "profile_low", t, cip[t, 1]); add("clm", link, "profile_high", t, cip[t, 2])
  }
  if (link == "logit") {
    cat("\n==== car::poTest (Brant) ====\n")
    pt <- poTest(m); print(pt)
    add("poTest", link, "chisq_overall", "", as.numeric(pt$chisq))
    add("poTest", link, "df_overall", "", as.numeric(pt$df))
    for (i in seq_along(pt$chisq.p)) {
      add("poTest", link, "chisq_term", names(coef(m))[i], pt$chisq.p[i])
      add("poTest", link, "df_term", names(coef(m))[i], rep_len(pt$df.p, length(pt$chisq.p))[i])
    }
  }
  cat("\n==== partial proportional-odds fits (ordinal::clm nominal=)", link, "====\n")
  # per-term partial proportional-odds fits (one predictor non-proportional at a time)
  for (v in c("vacancy_rate_po", "caseload_average_po", "sickness_days_all", "era")) {
    nom <- as.formula(paste("~", v))
    pm <- clm(f, nominal = nom, data = d, link = link,
              control = clm.control(gradTol = 1e-10, maxIter = 500))
    cat("nominal", v, "logLik:", format(logLik(pm), digits = 15), "\n")
    add("clm_nominal", link, "loglik_nominal", v, as.numeric(logLik(pm)))
  }
  full <- clm(f, nominal = ~ vacancy_rate_po + caseload_average_po + sickness_days_all + era,
              data = d, link = link, control = clm.control(gradTol = 1e-10, maxIter = 500))
  cat("non-proportional model logLik:", format(logLik(full), digits = 15), "\n")
  add("clm_nominal", link, "loglik_all_nominal", "", as.numeric(logLik(full)))
}
out <- do.call(rbind, rows)
write.csv(out, file.path(here, "polr_reference_values.csv"), row.names = FALSE, quote = TRUE)
cat("\nwritten", nrow(out), "reference values\n")
print(sessionInfo()[c("R.version")]$R.version$version.string)
cat("MASS", as.character(packageVersion("MASS")), "ordinal", as.character(packageVersion("ordinal")),
    "car", as.character(packageVersion("car")), "\n")
