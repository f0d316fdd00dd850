# Reference numbers for tests/test_penalised_r.py and tests/test_families_r.py (binomial
# logit models: maximum likelihood, Firth / Jeffreys-prior bias reduction, separation).
#
# Run from the repository root:
#   Rscript tests/results/brglm_reference.R > tests/results/brglm_reference.txt
# Data: the "binomial" datasets listed in tests/results/penalised_data/datasets.csv
# (made by penalised_datasets.R). Writes tests/results/brglm_reference_values.csv with
# columns source, type, quantity, term, term2, value (%.17g), where "type" is the dataset.
#
# For every dataset, model cbind(k, n - k) ~ predictors (treatment contrasts, first listed
# level as reference):
#  * source "glm": ordinary maximum likelihood, glm(family = binomial("logit")) with
#    epsilon = 1e-12, maxit = 100; coefficients, standard errors, log-likelihood,
#    converged, and whether glm warned "fitted probabilities numerically 0 or 1" /
#    "algorithm did not converge" (1 = warned). Under separation these coefficients are
#    whatever iterate glm stopped at: they are stored only to document the warning status.
#  * sources "brglm_AS_mean" and "brglm_MPL_Jeffreys": glm(..., method = brglm2::brglmFit,
#    type = ...) with epsilon = 1e-14, maxit = 1000. For the logit link the two coincide
#    (Firth 1993). Coefficients, vcov (brglm2's: inverse EXPECTED information at the
#    estimate), log-likelihood (including the binomial coefficients, as logLik.glm).
#    brglm2 reports no penalised log-likelihood, so it is computed here explicitly:
#        pl(beta) = l(beta) + 0.5 * log det(X' W X),  W = diag(n_i p_i (1 - p_i)),
#    with l(beta) the full binomial log-likelihood (binomial coefficients included).
#    As a check, pl is also maximised directly (maximise() in penalised_common.R) and the
#    largest difference from brglm2's estimates is printed.
#  * source "brglm_profile": penalised-likelihood profile 95% limits for every coefficient
#    of the Jeffreys fit, computed by profiling pl written out explicitly: for a fixed
#    value v of beta_j the other coefficients are re-maximised (optim BFGS with the
#    analytic gradient, reltol = 1e-15, then Newton steps to a gradient below 1e-10),
#    and uniroot (tol = 1e-12) solves sqrt(2 * (max pl - profile pl(v))) = qnorm(0.975)
#    on each side of the estimate (see penalised_common.R). "gap_low" / "gap_high": how
#    much higher a constrained maximum 20 random starts found at that limit (0: the
#    limit is that of the global profile).
#  * source "separation": brglm2 0.9 (the Debian package) no longer contains
#    detect_separation: it moved to the detectseparation package, which Debian does not
#    package. So the linear programme detect_separation solves by default (Konis 2007,
#    primal "find" programme, as detectseparation's separator: maximise
#    sum_i s_i x_i'b subject to s_i x_i'b >= 0 and -1 <= b_j <= 1, s_i = +1 for a success
#    and -1 for a failure, aggregated rows with 0 < k < n entered once as a success and
#    once as a failure, beta_tolerance = sqrt(.Machine$double.eps)) is solved here with
#    lpSolve::lp. quantity "separation" (1/0) and "konis_beta" (Inf, -Inf or 0, as
#    detect_separation prints) per coefficient. Because that programme can have several
#    optimal vertices, the set it prints under COMPLETE separation depends on the solver;
#    "can_go_up" / "can_go_down" (1/0) therefore also record, per coefficient, whether
#    some separating direction moves it up / down (maximise +b_j / -b_j over the same
#    cone, columns scaled by max|x_j|): those are properties of the data alone.
suppressPackageStartupMessages({
  library(brglm2)
  library(lpSolve)
})
source("tests/results/penalised_common.R")
options(digits = 12)
here <- "tests/results"
man <- read.csv(file.path(here, "penalised_data", "datasets.csv"), stringsAsFactors = FALSE)
man <- man[man$family == "binomial", ]

read_dataset <- function(row) {
  d <- read.csv(file.path(here, "penalised_data", paste0(row$dataset, ".csv")),
                stringsAsFactors = FALSE)
  if (nzchar(row$factor_levels)) {
    for (part in strsplit(row$factor_levels, ";")[[1]]) {
      kv <- strsplit(part, "=")[[1]]
      d[[kv[1]]] <- factor(d[[kv[1]]], levels = strsplit(kv[2], "\\|")[[1]])
    }
  }
  d
}

# explicit Jeffreys-penalised binomial log-likelihood and its analytic gradient
pen_fns <- function(X, k, n) {
  logc <- sum(lchoose(n, k))
  ll <- function(b) {
    eta <- drop(X %*% b)
    sum(k * eta - n * log1p(exp(-abs(eta))) - n * pmax(eta, 0)) + logc
  }
  pl <- function(b) {
    eta <- drop(X %*% b); p <- plogis(eta)
    w <- n * p * (1 - p)
    ld <- determinant(crossprod(X, w * X), logarithm = TRUE)
    if (ld$sign <= 0) return(-Inf)
    ll(b) + 0.5 * as.numeric(ld$modulus)
  }
  gr <- function(b) {
    eta <- drop(X %*% b); p <- plogis(eta)
    w <- n * p * (1 - p)
    info <- crossprod(X, w * X)
    h <- w * rowSums((X %*% solve(info)) * X)   # hat diagonal of W^1/2 X (X'WX)^-1 X' W^1/2
    drop(crossprod(X, k - n * p + h * (0.5 - p)))
  }
  list(ll = ll, pl = pl, gr = gr)
}

# Konis (2007) linear programmes with lpSolve (variables b = b_plus - b_minus, each in [0, 1])
konis_lp <- function(Xs, s, objective) {
  p <- ncol(Xs)
  A <- s * Xs
  const <- rbind(cbind(A, -A), cbind(diag(p), diag(0, p)), cbind(diag(0, p), diag(p)))
  rhs <- c(rep(0, nrow(A)), rep(1, 2 * p))
  dir <- c(rep(">=", nrow(A)), rep("<=", 2 * p))
  sol <- lp("max", c(objective, -objective), const, dir, rhs)
  list(status = sol$status, b = sol$solution[1:p] - sol$solution[p + 1:p], value = sol$objval)
}

for (i in seq_len(nrow(man))) {
  row <- man[i, ]
  name <- row$dataset
  d <- read_dataset(row)
  f <- as.formula(paste("cbind(k, n - k) ~", paste(strsplit(row$predictors, " ")[[1]],
                                                  collapse = " + ")))
  cat("\n################################################################", "\n")
  cat("dataset", name, ":", row$description, "\n")
  cat("formula:", deparse(f), "\n")

  # ---- ordinary ML with its warnings
  warned <- character(0)
  m <- withCallingHandlers(
    glm(f, data = d, family = binomial("logit"), control = glm.control(epsilon = 1e-12, maxit = 100)),
    warning = function(w) { warned <<- c(warned, conditionMessage(w)); invokeRestart("muffleWarning") })
  cat("\n==== glm (maximum likelihood) ====\n")
  print(summary(m)$coefficients)
  cat("logLik:", format(as.numeric(logLik(m)), digits = 15), " converged:", m$converged, "\n")
  cat("warnings:", if (length(warned)) paste(warned, collapse = " | ") else "none", "\n")
  X <- model.matrix(m)
  terms <- colnames(X)
  for (t in terms) {
    add("glm", name, "coef", t, coef(m)[[t]])
    add("glm", name, "se", t, sqrt(diag(vcov(m)))[[t]])
  }
  add("glm", name, "loglik", "", as.numeric(logLik(m)))
  add("glm", name, "converged", "", as.numeric(m$converged))
  add("glm", name, "warn_fitted_0_1", "",
      as.numeric(any(grepl("fitted probabilities numerically 0 or 1", warned))))
  add("glm", name, "warn_not_converged", "", as.numeric(any(grepl("did not converge", warned))))

  k <- d$k; n <- d$n
  fns <- pen_fns(X, k, n)

  # ---- bias reduction / Jeffreys penalty with brglm2
  for (type in c("AS_mean", "MPL_Jeffreys")) {
    b <- glm(f, data = d, family = binomial("logit"), method = "brglmFit", type = type,
             epsilon = 1e-14, maxit = 1000)
    src <- paste0("brglm_", type)
    cat("\n==== brglm2::brglmFit type =", type, "====\n")
    print(summary(b)$coefficients)
    V <- vcov(b)
    plv <- fns$pl(coef(b))
    cat("converged:", b$converged, " iterations:", b$iter, "\n")
    cat("logLik:", format(as.numeric(logLik(b)), digits = 15),
        " penalised logLik (explicit):", format(plv, digits = 15),
        " max |penalised score|:", format(max(abs(fns$gr(coef(b)))), digits = 3), "\n")
    for (t in terms) {
      add(src, name, "coef", t, coef(b)[[t]])
      add(src, name, "se", t, sqrt(V[t, t]))
      for (t2 in terms) add(src, name, "vcov", t, V[t, t2], t2)
    }
    add(src, name, "loglik", "", as.numeric(logLik(b)))
    add(src, name, "penalised_loglik", "", plv)
    add(src, name, "converged", "", as.numeric(b$converged))
  }
  bj <- coef(b)

  # ---- check: maximise the explicit penalised log-likelihood directly
  own <- maximise(fns$pl, fns$gr, rep(0, length(terms)))
  cat("\nexplicit penalised likelihood maximised directly: max |diff from brglm2| =",
      format(max(abs(own$par - bj)), digits = 3), "; max |gradient| =",
      format(own$grad_max, digits = 3), "\n")

  # ---- penalised-likelihood profile intervals (Jeffreys fit)
  cat("\n==== penalised-likelihood profile 95% intervals (Jeffreys) ====\n")
  for (j in seq_along(terms)) {
    pi <- profile_interval(fns$pl, fns$gr, unname(bj), j, null = rep(0, length(terms)))
    cat(sprintf("%-22s %.10f %.10f   (max |gradient| in constrained fits %.1e; multimodality gaps %.1e %.1e)\n",
                terms[j], pi$low, pi$high, pi$worst_grad, pi$gap_low, pi$gap_high))
    add("brglm_profile", name, "profile_low", terms[j], pi$low)
    add("brglm_profile", name, "profile_high", terms[j], pi$high)
    add("brglm_profile", name, "gap_low", terms[j], pi$gap_low)
    add("brglm_profile", name, "gap_high", terms[j], pi$gap_high)
  }

  # ---- separation: Konis (2007) linear programmes
  ones <- k > 0; zeros <- k < n
  Xs <- rbind(X[ones, , drop = FALSE], X[zeros, , drop = FALSE])
  s <- c(rep(1, sum(ones)), rep(-1, sum(zeros)))
  kon <- konis_lp(Xs, s, colSums(s * Xs))
  tol <- sqrt(.Machine$double.eps)
  konis_beta <- ifelse(abs(kon$b) < tol, 0, Inf * sign(kon$b))
  separated <- any(abs(kon$b) > tol)
  cat("\n==== separation (Konis 2007 linear programme, as detect_separation) ====\n")
  cat("Separation:", separated, "\n")
  print(setNames(konis_beta, terms))
  add("separation", name, "separation", "", as.numeric(separated))
  scale <- apply(abs(X), 2, max)
  Xsc <- sweep(Xs, 2, scale, "/")
  for (j in seq_along(terms)) {
    add("separation", name, "konis_beta", terms[j], konis_beta[j])
    e <- replace(rep(0, length(terms)), j, 1)
    up <- konis_lp(Xsc, s, e)$value > 1e-9
    down <- konis_lp(Xsc, s, -e)$value > 1e-9
    add("separation", name, "can_go_up", terms[j], as.numeric(up))
    add("separation", name, "can_go_down", terms[j], as.numeric(down))
    cat(sprintf("%-22s can go to +Inf: %-5s  -Inf: %s\n", terms[j], up, down))
  }
}
write_values(file.path(here, "brglm_reference_values.csv"))
cat(R.version.string, "\n")
cat("brglm2", as.character(packageVersion("brglm2")), "lpSolve",
    as.character(packageVersion("lpSolve")), "numDeriv", as.character(packageVersion("numDeriv")), "\n")
