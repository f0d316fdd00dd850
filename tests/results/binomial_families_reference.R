# Reference numbers for tests/test_families_r.py: the families and region treatments of
# probstats.models.fit_binomial on one aggregated-binomial dataset.
#
# Run from the repository root:
#   Rscript tests/results/binomial_families_reference.R > tests/results/binomial_families_reference.txt
# Data: tests/results/penalised_data/bin_aggregated.csv (60 inspections in 12 regions,
# k sufficient cases of n = 5-60, made by penalised_datasets.R). Model: logit(mu) =
# b0 + b1 vacancy + b2 caseload. Writes tests/results/binomial_families_reference_values.csv
# (source, type, quantity, term, term2, value with %.17g).
#
#  * "glm" / "quasibinomial": glm(cbind(k, n - k) ~ ..., binomial / quasibinomial):
#    estimates, standard errors, Pearson dispersion sum(pearson residuals^2) / (N - p),
#    binomial log-likelihood (with binomial coefficients).
#  * "vcovCL": cluster-robust covariance by region, sandwich::vcovCL(glm, cluster = ~region)
#    with (type, cadjust) = ("HC0", FALSE): no small-sample factor; ("HC0", TRUE): G/(G-1);
#    ("HC1", TRUE): G/(G-1) * (N-1)/(N-K). probstats.models.fit_binomial
#    (region_effect = "cluster", family "binomial" or "quasibinomial") calls statsmodels
#    GLM.fit(cov_type = "cluster", use_t = True), whose default use_correction = True
#    multiplies the HC0 sandwich by G/(G-1) * (N-1)/(N-K): that is the ("HC1", TRUE)
#    variant, and the reference degrees of freedom are G - 1 = 11.
#  * "betabinomial": maximum likelihood with the log-likelihood written out here in the
#    parameterisation of probstats.models.binomial.betabinomial_loglik:
#      mu = plogis(x'b), rho = plogis(logit_rho), a = mu (1 - rho) / rho,
#      b = (1 - mu) (1 - rho) / rho  (so a + b = exp(-logit_rho)),
#      log f(k) = lchoose(n, k) + lbeta(k + a, n - k + b) - lbeta(a, b),
#    i.e. mean n mu and variance n mu (1 - mu) (1 + (n - 1) rho). Parameters
#    (b, logit_rho); maximised with optim BFGS (analytic gradient, reltol 1e-15) and Newton
#    steps to max |gradient| < 1e-10 (penalised_common.R). vcov = inverse of minus the
#    Hessian (numDeriv Jacobian of the analytic gradient, i.e. observed information);
#    "vcov_CR1" = the same bread with the cluster meat of the per-row scores and factor
#    G/(G-1) * (N-1)/(N-K), K = 4 (what fit_binomial's beta-binomial "cluster" computes).
#  * "glmer_nAGQ1", "glmer_nAGQ10": lme4::glmer(cbind(k, n - k) ~ vacancy + caseload +
#    (1 | region), family = binomial, nAGQ = 1 / 10), default optimiser settings:
#    fixed effects, vcov(), random-intercept SD, logLik.
#  * "agq_own_Q1", "agq_own_Q10": the same marginal likelihood written out here
#    (independently of lme4): per region, adaptive Gauss-Hermite quadrature with Q nodes
#    about the mode of the integrand in the standardised random effect (Q = 1 is the
#    Laplace approximation), binomial coefficients included; parameters (b, log_sd);
#    maximised as above (gradient by numDeriv); vcov = inverse of minus the numDeriv
#    Hessian. Also the exact marginal log-likelihood by integrate() at these estimates.
#  LOG-LIKELIHOOD CONSTANT: for nAGQ = 1 logLik(glmer) is the Laplace approximation of the
#  full log-likelihood. For nAGQ > 1, lme4 1.1-31 builds the objective from the sum of the
#  binomial DEVIANCE residuals instead, so logLik(glmer, nAGQ = 10) = (AGQ log-likelihood)
#  - (saturated log-likelihood sum(dbinom(k, n, k / n, log = TRUE))). This script checks it
#  at glmer's own estimates and stores the constant (quantity "loglik_constant").
suppressPackageStartupMessages({
  library(sandwich)
  library(lme4)
})
source("tests/results/penalised_common.R")
options(digits = 12)
here <- "tests/results"
d <- read.csv(file.path(here, "penalised_data", "bin_aggregated.csv"), stringsAsFactors = FALSE)
f <- cbind(k, n - k) ~ vacancy + caseload
k <- d$k; n <- d$n
X <- model.matrix(~ vacancy + caseload, d)
terms <- colnames(X)
N <- nrow(X); p <- ncol(X); G <- length(unique(d$region))
g <- as.integer(factor(d$region))
cat("data: bin_aggregated.csv,", N, "rows,", G, "regions\n")
store_vec <- function(src, quantity, v, nm = names(v)) for (i in seq_along(v)) add(src, "bin_aggregated", quantity, nm[i], v[[i]])
store_mat <- function(src, quantity, V) for (a in rownames(V)) for (b in colnames(V)) add(src, "bin_aggregated", quantity, a, V[a, b], b)

# ---- binomial and quasi-binomial glm
m <- glm(f, data = d, family = binomial, control = glm.control(epsilon = 1e-14, maxit = 100))
mq <- glm(f, data = d, family = quasibinomial, control = glm.control(epsilon = 1e-14, maxit = 100))
cat("\n==== glm binomial ====\n"); print(summary(m)$coefficients)
cat("logLik:", format(as.numeric(logLik(m)), digits = 15), "\n")
cat("\n==== glm quasibinomial ====\n"); print(summary(mq))
store_vec("glm", "coef", coef(m)); store_vec("glm", "se", sqrt(diag(vcov(m))))
store_mat("glm", "vcov", vcov(m))
add("glm", "bin_aggregated", "loglik", "", as.numeric(logLik(m)))
store_vec("quasibinomial", "coef", coef(mq)); store_vec("quasibinomial", "se", sqrt(diag(vcov(mq))))
store_mat("quasibinomial", "vcov", vcov(mq))
add("quasibinomial", "bin_aggregated", "dispersion", "", summary(mq)$dispersion)
add("quasibinomial", "bin_aggregated", "df_residual", "", mq$df.residual)

# ---- cluster-robust
for (v in list(c("HC0", FALSE), c("HC0", TRUE), c("HC1", TRUE))) {
  V <- vcovCL(m, cluster = ~region, type = v[1], cadjust = as.logical(v[2]))
  lab <- paste0(v[1], if (as.logical(v[2])) "_cadjust" else "")
  cat("\n==== sandwich::vcovCL(type =", v[1], ", cadjust =", v[2], ") ====\n"); print(V)
  cat("SE:", sqrt(diag(V)), "\n")
  store_mat("vcovCL", paste0("vcov_", lab), V)
  store_vec("vcovCL", paste0("se_", lab), sqrt(diag(V)))
}
Vq <- vcovCL(mq, cluster = ~region, type = "HC1", cadjust = TRUE)
cat("vcovCL of the quasi-binomial fit (HC1, cadjust) equals that of the binomial fit: max |diff| =",
    format(max(abs(Vq - vcovCL(m, cluster = ~region, type = "HC1", cadjust = TRUE))), digits = 3), "\n")
add("vcovCL", "bin_aggregated", "G", "", G)

# ---- beta-binomial (parameterisation of probstats' betabinomial_loglik)
bb_ll_obs <- function(par) {
  mu <- plogis(drop(X %*% par[1:p])); phi <- exp(-par[p + 1])
  a <- mu * phi; b <- (1 - mu) * phi
  lchoose(n, k) + lbeta(k + a, n - k + b) - lbeta(a, b)
}
bb_ll <- function(par) sum(bb_ll_obs(par))
bb_score_obs <- function(par) {
  mu <- plogis(drop(X %*% par[1:p])); phi <- exp(-par[p + 1])
  a <- mu * phi; b <- (1 - mu) * phi
  da <- digamma(k + a) - digamma(n + phi) - digamma(a) + digamma(phi)
  db <- digamma(n - k + b) - digamma(n + phi) - digamma(b) + digamma(phi)
  cbind(X * (phi * mu * (1 - mu) * (da - db)), -(a * da + b * db))
}
bb_gr <- function(par) colSums(bb_score_obs(par))
start <- c(coef(m), qlogis(0.05))
bb <- maximise(bb_ll, bb_gr, start)
bnames <- c(terms, "logit_rho")
est <- setNames(bb$par, bnames)
H <- jacobian(bb_gr, bb$par); H <- (H + t(H)) / 2
Vbb <- solve(-H); dimnames(Vbb) <- list(bnames, bnames)
S <- bb_score_obs(bb$par)
Sg <- rowsum(S, g)
Kbb <- p + 1
Vcr <- G / (G - 1) * (N - 1) / (N - Kbb) * Vbb %*% crossprod(Sg) %*% Vbb
dimnames(Vcr) <- list(bnames, bnames)
cat("\n==== beta-binomial ML (own log-likelihood) ====\n")
print(cbind(estimate = est, se = sqrt(diag(Vbb)), se_CR1 = sqrt(diag(Vcr))))
cat(sprintf("logLik: %.15g  max |gradient|: %.2e  rho: %.10f  |analytic - numDeriv gradient|: %.2e\n",
            bb$value, bb$grad_max, plogis(est[["logit_rho"]]),
            max(abs(grad(bb_ll, bb$par) - bb_gr(bb$par)))))
store_vec("betabinomial", "coef", est); store_vec("betabinomial", "se", sqrt(diag(Vbb)))
store_mat("betabinomial", "vcov", Vbb); store_mat("betabinomial", "vcov_CR1", Vcr)
store_vec("betabinomial", "se_CR1", sqrt(diag(Vcr)))
add("betabinomial", "bin_aggregated", "loglik", "", bb$value)

# ---- random intercept: own adaptive Gauss-Hermite quadrature
ghq <- function(Q) {  # Gauss-Hermite nodes and weights (Golub-Welsch)
  if (Q == 1) return(list(x = 0, w = sqrt(pi)))
  J <- matrix(0, Q, Q)
  for (i in 1:(Q - 1)) J[i, i + 1] <- J[i + 1, i] <- sqrt(i / 2)
  e <- eigen(J, symmetric = TRUE)
  o <- order(e$values)
  list(x = e$values[o], w = sqrt(pi) * e$vectors[1, o]^2)
}
logc <- lchoose(n, k)
agq_ll <- function(par, Q) {
  beta <- par[1:p]; sigma <- exp(par[p + 1])
  eta0 <- drop(X %*% beta)
  gh <- ghq(Q)
  total <- 0
  for (grp in seq_len(G)) {
    r <- g == grp
    h <- function(u) sum(logc[r] + k[r] * (eta0[r] + sigma * u) -
                         n[r] * log1p(exp(eta0[r] + sigma * u))) + dnorm(u, log = TRUE)
    h1 <- function(u) sigma * sum(k[r] - n[r] * plogis(eta0[r] + sigma * u)) - u
    h2 <- function(u) { m <- plogis(eta0[r] + sigma * u); -sigma^2 * sum(n[r] * m * (1 - m)) - 1 }
    u <- 0
    for (it in 1:200) { st <- -h1(u) / h2(u); u <- u + st; if (abs(st) < 1e-13) break }
    s <- 1 / sqrt(-h2(u))
    nodes <- u + sqrt(2) * s * gh$x
    vals <- vapply(nodes, h, 0) + gh$x^2 + log(gh$w)
    mx <- max(vals)
    total <- total + log(sqrt(2) * s) + mx + log(sum(exp(vals - mx)))
  }
  total
}
exact_ll <- function(par) {
  beta <- par[1:p]; sigma <- exp(par[p + 1]); eta0 <- drop(X %*% beta)
  total <- 0
  for (grp in seq_len(G)) {
    r <- g == grp
    hmax <- optimize(function(u) sum(k[r] * (eta0[r] + sigma * u) - n[r] * log1p(exp(eta0[r] + sigma * u))) +
                       dnorm(u, log = TRUE), c(-10, 10), maximum = TRUE)$objective
    fi <- function(uu) vapply(uu, function(u) exp(sum(k[r] * (eta0[r] + sigma * u) -
      n[r] * log1p(exp(eta0[r] + sigma * u))) + dnorm(u, log = TRUE) - hmax), 0)
    total <- total + hmax + log(integrate(fi, -Inf, Inf, rel.tol = 1e-13, abs.tol = 0)$value) +
      sum(logc[r])
  }
  total
}
sat <- sum(dbinom(k, n, k / n, log = TRUE))
cat(sprintf("\nsaturated binomial log-likelihood sum(dbinom(k, n, k/n, log = TRUE)) = %.15g\n", sat))
add("glmer", "bin_aggregated", "saturated_loglik", "", sat)
for (Q in c(1, 10)) {
  gm <- glmer(cbind(k, n - k) ~ vacancy + caseload + (1 | region), data = d, family = binomial,
              nAGQ = Q)
  src <- paste0("glmer_nAGQ", Q)
  cat("\n==== lme4::glmer nAGQ =", Q, "====\n"); print(summary(gm))
  sdv <- as.numeric(attr(VarCorr(gm)$region, "stddev"))
  store_vec(src, "coef", fixef(gm)); store_vec(src, "se", sqrt(diag(as.matrix(vcov(gm)))))
  add(src, "bin_aggregated", "sd_region", "", sdv)
  add(src, "bin_aggregated", "loglik", "", as.numeric(logLik(gm)))
  at_glmer <- c(fixef(gm), log(sdv))
  own_at <- agq_ll(at_glmer, Q)
  cat(sprintf("own AGQ(Q = %d) log-likelihood at glmer's estimates: %.12f; logLik(glmer): %.12f; difference: %.12f\n",
              Q, own_at, as.numeric(logLik(gm)), as.numeric(logLik(gm)) - own_at))
  add(src, "bin_aggregated", "loglik_constant", "", as.numeric(logLik(gm)) - own_at)
  # own maximisation
  fn <- function(par) agq_ll(par, Q)
  gr <- function(par) grad(fn, par)
  own <- maximise(fn, gr, at_glmer)
  on <- c(terms, "log_sd_region")
  Ho <- hessian(fn, own$par); Vo <- solve(-Ho); dimnames(Vo) <- list(on, on)
  src2 <- paste0("agq_own_Q", Q)
  cat(sprintf("\n---- own AGQ Q = %d maximised: max |gradient| %.1e ----\n", Q, own$grad_max))
  print(cbind(estimate = setNames(own$par, on), se = sqrt(diag(Vo)),
              glmer = c(fixef(gm), log(sdv))))
  ex <- exact_ll(own$par)
  cat(sprintf("log-likelihood: %.12f (exact by integrate(): %.12f)\n", own$value, ex))
  store_vec(src2, "coef", setNames(own$par, on)); store_vec(src2, "se", sqrt(diag(Vo)))
  store_mat(src2, "vcov", Vo)
  add(src2, "bin_aggregated", "loglik", "", own$value)
  add(src2, "bin_aggregated", "loglik_exact", "", ex)
}
write_values(file.path(here, "binomial_families_reference_values.csv"))
cat(R.version.string, "\n")
cat("sandwich", as.character(packageVersion("sandwich")), "lme4", as.character(packageVersion("lme4")),
    "numDeriv", as.character(packageVersion("numDeriv")), "\n")
