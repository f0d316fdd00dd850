# Reference numbers for tests/test_penalised_r.py: Jeffreys-prior penalised cumulative link
# models (Firth-type bias reduction for ordinal outcomes) and frequency-weighted ML fits.
#
# Run from the repository root:
#   Rscript tests/results/clm_jeffreys_reference.R > tests/results/clm_jeffreys_reference.txt
# Data: the "ordinal" datasets of tests/results/penalised_data/datasets.csv (made by
# penalised_datasets.R); outcome levels as listed there (empty categories left out), so
# ord_tiny has 2 levels and ord_empty_top 3. Writes
# tests/results/clm_jeffreys_reference_values.csv (source, type, quantity, term, term2,
# value with %.17g; "type" is "<dataset>:<link>").
#
# MODEL (MASS::polr's parameterisation): P(Y <= k | x) = F(zeta_k - x'beta), k = 1..K-1,
# parameters theta = (beta, zeta), F logistic ("logit") or standard normal ("probit").
# pi_ik = F(eta_ik) - F(eta_i,k-1) with eta_ik = zeta_k - x_i'beta (upper-tail
# differences are used when both bounds are positive, to avoid cancellation).
#
# No CRAN function fits the Jeffreys-penalised cumulative link model, so it is written out
# here:    pl(theta) = l(theta) + 0.5 * log det I(theta),
#   l(theta) = sum_i w_i log pi_{i, y_i},
#   I(theta) = sum_i w_i sum_k d_ik d_ik' / pi_ik   (EXPECTED Fisher information),
#   d_ik = d pi_ik / d theta = f(eta_ik) g_ik - f(eta_i,k-1) g_i,k-1,
#   g_ik = d eta_ik / d theta = (-x_i, e_k),
# (Kosmidis 2014, JRSS-B, "Improved estimation in cumulative link models"), with w_i the
# frequency weights (1 when absent). Its gradient is analytic:
#   d pl / d theta_j = score_j + 0.5 * trace(I^-1 dI/dtheta_j),
#   dI/dtheta_j = sum_i w_i sum_k [ (dd_ik/dtheta_j) d_ik' + d_ik (dd_ik/dtheta_j)' ] / pi_ik
#                                 - d_ik d_ik' d_ik[j] / pi_ik^2,
#   dd_ik/dtheta_j = f'(eta_ik) g_ik g_ik[j] - f'(eta_i,k-1) g_i,k-1 g_i,k-1[j],
# and is checked against numDeriv::grad at every estimate (printed).
#
# MAXIMISATION: optim(method = "BFGS") with the analytic gradient and reltol = 1e-15, then
# Newton steps (Hessian = numDeriv Richardson Jacobian of the analytic gradient) until
# max |gradient| < 1e-10 (penalised_common.R, maximise()). The printed max |gradient| at
# each estimate bounds the error of the estimates well below 1e-8.
#
# STORED per dataset and link (source "jeffreys"): estimates ("coef" for beta, "zeta"),
# standard errors and vcov from the inverse EXPECTED information at the penalised
# estimate, the penalised log-likelihood, the ordinary log-likelihood at the penalised
# estimate, and (source "jeffreys_profile") penalised-likelihood profile 95% limits for
# every parameter: other parameters re-maximised as above for each fixed value, uniroot
# (tol = 1e-12) on sqrt(2 * (max pl - profile pl)) = qnorm(0.975) (see penalised_common.R).
# "gap_low" / "gap_high": how much higher a constrained maximum 20 random starts found at
# that limit. Under separation the constrained penalised likelihood can have several local
# maxima; a positive gap means the stored limit comes from a local, not the global,
# maximum (the fixed starts missed a higher branch), so it is not a reliable reference.
#
# CROSS-CHECKS (printed, and stored as source "check"): where no separation occurs, the ML
# part of this likelihood reproduces ordinal::clm: the log-likelihood at clm's estimates
# and the estimates obtained by maximising l(theta) with the same routine. For the
# weighted dataset: ordinal::clm(weights = ) and MASS::polr(weights = ) ML fits (stored as
# sources "clm_weighted", "polr_weighted") and their agreement with the fit to the data
# expanded by the weights; the weighted Jeffreys fit (source "jeffreys") and its agreement
# with the Jeffreys fit to the expanded data. For ord_tiny (two levels) the Jeffreys fit
# must equal Firth's logistic regression (brglm2) with beta's sign flipped.
suppressPackageStartupMessages({
  library(MASS)
  library(ordinal)
  library(brglm2)
})
source("tests/results/penalised_common.R")
options(digits = 12)
here <- "tests/results"
man <- read.csv(file.path(here, "penalised_data", "datasets.csv"), stringsAsFactors = FALSE)
man <- man[man$family == "ordinal", ]

read_dataset <- function(row) {
  d <- read.csv(file.path(here, "penalised_data", paste0(row$dataset, ".csv")),
                stringsAsFactors = FALSE)
  if (nzchar(row$factor_levels)) {
    for (part in strsplit(row$factor_levels, ";")[[1]]) {
      kv <- strsplit(part, "=")[[1]]
      d[[kv[1]]] <- factor(d[[kv[1]]], levels = strsplit(kv[2], "\\|")[[1]])
    }
  }
  d[[row$outcome]] <- factor(d[[row$outcome]], levels = strsplit(row$outcome_levels, "\\|")[[1]],
                             ordered = TRUE)
  d
}

cumlink <- function(X, y, K, w, link) {
  n <- nrow(X); p <- ncol(X); J <- K - 1; q <- p + J
  if (link == "logit") {
    Fl <- function(e) plogis(e); Fu <- function(e) plogis(e, lower.tail = FALSE)
    f <- dlogis; fp <- function(e) dlogis(e) * (1 - 2 * plogis(e))
  } else {
    Fl <- function(e) pnorm(e); Fu <- function(e) pnorm(e, lower.tail = FALSE)
    f <- dnorm; fp <- function(e) -e * dnorm(e)
  }
  G <- lapply(seq_len(J), function(k) { g <- matrix(0, n, q); g[, seq_len(p)] <- -X; g[, p + k] <- 1; g })
  Z <- matrix(0, n, q)
  Gk <- function(k) if (k >= 1 && k <= J) G[[k]] else Z
  pieces <- function(theta) {
    eta <- outer(-drop(X %*% theta[seq_len(p)]), theta[p + seq_len(J)], "+")
    up <- cbind(eta, Inf); lo <- cbind(-Inf, eta)
    pr <- ifelse(lo > 0, Fu(lo) - Fu(up), Fl(up) - Fl(lo))
    fm <- cbind(0, f(eta), 0); fpm <- cbind(0, fp(eta), 0)
    D <- lapply(seq_len(K), function(k) fm[, k + 1] * Gk(k) - fm[, k] * Gk(k - 1))
    list(pr = pr, fm = fm, fpm = fpm, D = D)
  }
  ll <- function(theta) {
    pr <- pieces(theta)$pr
    py <- pr[cbind(seq_len(n), y)]
    if (any(!(py > 0)) || any(!(pr > 0))) return(-Inf)
    sum(w * log(py))
  }
  info <- function(theta, P = pieces(theta)) {
    I <- matrix(0, q, q)
    for (k in seq_len(K)) I <- I + crossprod(P$D[[k]], (w / P$pr[, k]) * P$D[[k]])
    I
  }
  score <- function(theta, P = pieces(theta)) {
    s <- numeric(q)
    for (k in seq_len(K)) {
      r <- y == k
      s <- s + colSums((w[r] / P$pr[r, k]) * P$D[[k]][r, , drop = FALSE])
    }
    s
  }
  pl <- function(theta) {
    l <- ll(theta)
    if (!is.finite(l)) return(-Inf)
    ld <- determinant(info(theta), logarithm = TRUE)
    if (ld$sign <= 0) return(-Inf)
    l + 0.5 * as.numeric(ld$modulus)
  }
  pen_grad <- function(theta) {
    P <- pieces(theta)
    Iinv <- solve(info(theta, P))
    g <- score(theta, P)
    for (j in seq_len(q)) {
      dI <- matrix(0, q, q)
      for (k in seq_len(K)) {
        Dk <- P$D[[k]]
        Dj <- P$fpm[, k + 1] * Gk(k)[, j] * Gk(k) - P$fpm[, k] * Gk(k - 1)[, j] * Gk(k - 1)
        a <- crossprod(Dj, (w / P$pr[, k]) * Dk)
        dI <- dI + a + t(a) - crossprod(Dk, (w * Dk[, j] / P$pr[, k]^2) * Dk)
      }
      g[j] <- g[j] + 0.5 * sum(Iinv * dI)
    }
    g
  }
  start <- function() {
    cp <- cumsum(tabulate(y, K) * 1)[seq_len(J)] / n
    c(rep(0, p), if (link == "logit") qlogis(cp) else qnorm(cp))
  }
  list(ll = ll, pl = pl, info = info, score = score, pen_grad = pen_grad, start = start,
       q = q, p = p)
}

fit_jeffreys <- function(cl) {
  res <- maximise(cl$pl, cl$pen_grad, cl$start())
  res$num_grad_diff <- max(abs(grad(cl$pl, res$par) - cl$pen_grad(res$par)))
  res
}

for (i in seq_len(nrow(man))) {
  row <- man[i, ]
  name <- row$dataset
  d <- read_dataset(row)
  preds <- strsplit(row$predictors, " ")[[1]]
  f <- as.formula(paste(row$outcome, "~", paste(preds, collapse = " + ")))
  X <- model.matrix(f, d)[, -1, drop = FALSE]
  y <- as.integer(d[[row$outcome]])
  K <- nlevels(d[[row$outcome]])
  w <- if (nzchar(row$weights)) d[[row$weights]] else rep(1, nrow(d))
  levs <- levels(d[[row$outcome]])
  zn <- paste(levs[-K], levs[-1], sep = "|")
  terms <- c(colnames(X), zn)
  cat("\n################################################################\n")
  cat("dataset", name, ":", row$description, "\n")
  cat("formula:", deparse(f), " levels:", paste(levs, collapse = " < "),
      if (nzchar(row$weights)) paste(" weights:", row$weights) else "", "\n")
  print(table(d[[row$outcome]]))
  links <- if (name == "ord_ordinary") c("logit", "probit") else "logit"
  for (link in links) {
    type <- paste0(name, ":", link)
    cl <- cumlink(X, y, K, w, link)
    # ---- ML cross-check with ordinal::clm (only meaningful without separation)
    cm <- suppressWarnings(clm(f, data = d, link = link, weights = w,
                               control = clm.control(gradTol = 1e-10, maxIter = 500)))
    sep <- name %in% c("ord_complete", "ord_quasi", "ord_hundreds", "ord_tiny")
    if (!sep) {
      ll_at_clm <- cl$ll(coef(cm)[c(colnames(X), zn)])
      ml <- maximise(cl$ll, cl$score, cl$start())
      dll <- abs(ll_at_clm - as.numeric(logLik(cm)))
      dest <- max(abs(ml$par - coef(cm)[c(colnames(X), zn)]))
      cat(sprintf("\n[%s] ML cross-check with ordinal::clm: |loglik at clm estimates - logLik(clm)| = %.2e; max |own ML estimates - clm| = %.2e\n",
                  link, dll, dest))
      add("check", type, "ml_loglik_vs_clm", "", dll)
      add("check", type, "ml_estimates_vs_clm", "", dest)
    } else {
      cat(sprintf("\n[%s] separated data: clm says: %s (max |estimate| %.1f)\n", link,
                  cm$message, max(abs(coef(cm)))))
    }
    # ---- Jeffreys-penalised fit
    fit <- fit_jeffreys(cl)
    th <- fit$par; names(th) <- terms
    V <- solve(cl$info(th)); dimnames(V) <- list(terms, terms)
    se <- sqrt(diag(V))
    cat(sprintf("\n==== Jeffreys-penalised cumulative %s (optim BFGS reltol 1e-15 + Newton polish) ====\n", link))
    print(cbind(estimate = th, se_expected_info = se))
    cat(sprintf("penalised logLik: %.15g   logLik at estimate: %.15g\n", fit$value, cl$ll(th)))
    cat(sprintf("max |analytic gradient| at estimate: %.2e; max |analytic - numDeriv gradient|: %.2e\n",
                fit$grad_max, fit$num_grad_diff))
    for (t in colnames(X)) add("jeffreys", type, "coef", t, th[[t]])
    for (t in zn) add("jeffreys", type, "zeta", t, th[[t]])
    for (t in terms) {
      add("jeffreys", type, "se", t, se[[t]])
      for (t2 in terms) add("jeffreys", type, "vcov", t, V[t, t2], t2)
    }
    add("jeffreys", type, "penalised_loglik", "", fit$value)
    add("jeffreys", type, "loglik", "", cl$ll(th))
    add("check", type, "gradient_max", "", fit$grad_max)
    cat("penalised-likelihood profile 95% intervals:\n")
    for (j in seq_along(terms)) {
      pi <- profile_interval(cl$pl, cl$pen_grad, unname(th), j,
                             shift = if (j > cl$p) cl$p + seq_len(K - 1) else NULL,
                             null = cl$start())
      cat(sprintf("  %-34s %.10f %.10f   (max |gradient| in constrained fits %.1e; multimodality gaps %.1e %.1e)\n",
                  terms[j], pi$low, pi$high, pi$worst_grad, pi$gap_low, pi$gap_high))
      add("jeffreys_profile", type, "profile_low", terms[j], pi$low)
      add("jeffreys_profile", type, "profile_high", terms[j], pi$high)
      add("jeffreys_profile", type, "gap_low", terms[j], pi$gap_low)
      add("jeffreys_profile", type, "gap_high", terms[j], pi$gap_high)
    }
    # ---- weighted data: ML fits with clm / polr and checks against expanded data
    if (nzchar(row$weights)) {
      de <- d[rep(seq_len(nrow(d)), w), ]
      method <- if (link == "logit") "logistic" else "probit"
      cat(sprintf("\n==== ordinal::clm(weights = %s), %s ====\n", row$weights, link))
      print(summary(cm))
      Vc <- vcov(cm)
      for (t in names(coef(cm))) {
        add("clm_weighted", type, "estimate", t, coef(cm)[[t]])
        for (t2 in names(coef(cm))) add("clm_weighted", type, "vcov", t, Vc[t, t2], t2)
      }
      add("clm_weighted", type, "loglik", "", as.numeric(logLik(cm)))
      pm <- polr(f, data = d, weights = w, method = method, Hess = TRUE,
                 control = list(reltol = 1e-12))
      cat(sprintf("\n==== MASS::polr(weights = %s), %s ====\n", row$weights, link))
      print(summary(pm))
      for (t in names(coef(pm))) add("polr_weighted", type, "coef", t, coef(pm)[[t]])
      for (t in names(pm$zeta)) add("polr_weighted", type, "zeta", t, pm$zeta[[t]])
      add("polr_weighted", type, "loglik", "", as.numeric(logLik(pm)))
      ce <- clm(f, data = de, link = link, control = clm.control(gradTol = 1e-10, maxIter = 500))
      cat(sprintf("clm on data expanded by the weights (n = %d): max |estimate diff| = %.2e, |logLik diff| = %.2e\n",
                  nrow(de), max(abs(coef(ce) - coef(cm))), abs(logLik(ce) - logLik(cm))))
      Xe <- model.matrix(f, de)[, -1, drop = FALSE]
      fe <- fit_jeffreys(cumlink(Xe, as.integer(de[[row$outcome]]), K, rep(1, nrow(de)), link))
      cat(sprintf("Jeffreys fit on expanded data: max |estimate diff| = %.2e, |penalised logLik diff| = %.2e\n",
                  max(abs(fe$par - th)), abs(fe$value - fit$value)))
      add("check", type, "weighted_vs_expanded_jeffreys", "", max(abs(fe$par - th)))
    }
    if (name == "ord_tiny") {
      dt <- data.frame(x = X[, 1], k = as.numeric(y == 1))
      bt <- glm(k ~ x, data = dt, family = binomial, method = "brglmFit", type = "MPL_Jeffreys",
                epsilon = 1e-14, maxit = 1000)
      diff <- max(abs(c(-coef(bt)[2], coef(bt)[1]) - th))
      cat(sprintf("two levels: Firth logistic regression (brglm2) of P(%s), beta sign flipped: max |diff| = %.2e\n",
                  levs[1], diff))
      add("check", type, "two_level_vs_brglm2", "", diff)
    }
  }
}
write_values(file.path(here, "clm_jeffreys_reference_values.csv"))
cat(R.version.string, "\n")
cat("ordinal", as.character(packageVersion("ordinal")), "MASS", as.character(packageVersion("MASS")),
    "brglm2", as.character(packageVersion("brglm2")), "numDeriv",
    as.character(packageVersion("numDeriv")), "\n")
