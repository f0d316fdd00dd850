# Helpers shared by brglm_reference.R and clm_jeffreys_reference.R (sourced, not run alone).
#
# maximise():  BFGS (optim, analytic gradient, reltol = 1e-15) followed by Newton steps
#              whose Hessian is numDeriv's Richardson-extrapolated Jacobian of the analytic
#              gradient, until the largest gradient component is below 1e-10 (the Newton
#              iteration drives the ANALYTIC gradient to zero, so the accuracy of the
#              estimate is set by the gradient, not by the Hessian approximation).
# profile_interval(): penalised-likelihood profile limits for one parameter. For a value v
#              of parameter j the other parameters are re-maximised with maximise() from
#              each of a few fixed starts (the estimate moved along the j-th column of
#              the inverse negative Hessian, i.e. the first-order profile path; the
#              estimate with the cut-points shifted by the same amount; the estimate
#              itself; the point on the ray from the null model through the estimate,
#              each with theta_j = v) and the largest maximum is kept, giving
#              pl_j(v) (under separation the constrained penalised likelihood can have
#              more than one local maximum). The limit
#              solves r(v) = sqrt(2 * (max pl - pl_j(v))) = qnorm(0.975) on each side;
#              it is bracketed by stepping out from the estimate in multiples of the
#              standard error and found with uniroot(tol = 1e-12). Each limit is then
#              checked for multimodality: 20 random starts (fixed seed) are maximised at
#              the limit, and "gap" is how far the best of them exceeds the value used
#              (0 when the fixed starts found the global maximum; see profile_interval).
suppressPackageStartupMessages(library(numDeriv))

vals <- list()
add <- function(source, type, quantity, term, value, term2 = "") {
  vals[[length(vals) + 1]] <<- data.frame(source = source, type = type, quantity = quantity,
    term = term, term2 = term2, value = sprintf("%.17g", value))
}
write_values <- function(path) {
  out <- do.call(rbind, vals)
  write.csv(out, path, row.names = FALSE, quote = TRUE)
  cat("\nwritten", nrow(out), "reference values to", path, "\n")
}

newton_polish <- function(par, fn, gr, gtol = 1e-10, max_iter = 30) {
  # fn, gr: objective to MINIMISE and its analytic gradient
  f0 <- fn(par)
  for (it in seq_len(max_iter)) {
    g <- gr(par)
    if (!all(is.finite(g)) || max(abs(g)) < gtol) break
    H <- jacobian(gr, par)
    H <- (H + t(H)) / 2
    step <- tryCatch(solve(H, g), error = function(e) NULL)
    if (is.null(step)) break
    t <- 1
    repeat {
      cand <- par - t * step
      fc <- fn(cand)
      if (is.finite(fc) && fc <= f0 + 1e-12 * (1 + abs(f0))) break
      t <- t / 2
      if (t < 1e-10) return(par)
    }
    par <- cand; f0 <- fc
  }
  par
}

maximise <- function(fn, gr, start) {
  # maximise fn (returns -Inf outside the domain) from start
  nf <- function(p) { v <- fn(p); if (is.finite(v)) -v else Inf }
  ng <- function(p) -gr(p)
  o <- optim(start, nf, ng, method = "BFGS",
             control = list(reltol = 1e-15, maxit = 20000, ndeps = 1e-6))
  par <- newton_polish(o$par, nf, ng)
  list(par = par, value = fn(par), grad_max = max(abs(gr(par))), bfgs_value = -o$value)
}

constrained_max <- function(fn, gr, theta_hat, V, j, v, shift = NULL, null = NULL) {
  # fixed starting points: the estimate moved along the first-order profile path; the
  # estimate with the parameters in `shift` (e.g. ordered cut-points) moved by
  # v - theta_hat[j]; the estimate itself; the point on the ray from the null model
  # (`null`, the starting values of the fit) through the estimate, which under separation
  # follows the separating direction (each with theta_j = v). The constrained
  # penalised likelihood can have more than one local maximum (seen under separation),
  # so every start with a finite value is maximised and the largest maximum is kept.
  free <- setdiff(seq_along(theta_hat), j)
  cands <- list(theta_hat + (v - theta_hat[j]) * V[, j] / V[j, j])
  if (length(shift)) {
    s2 <- theta_hat; s2[shift] <- s2[shift] + (v - theta_hat[j]); cands[[2]] <- s2
  }
  cands[[length(cands) + 1]] <- theta_hat
  if (!is.null(null) && theta_hat[j] != null[j])  # the ray from the null model through the
    cands[[length(cands) + 1]] <- null + (v - null[j]) / (theta_hat[j] - null[j]) * (theta_hat - null)
  best <- NULL
  for (start in cands) {
    start[j] <- v
    if (!is.finite(fn(start))) next
    full <- function(z) { t <- start; t[free] <- z; t }
    res <- tryCatch(
      maximise(function(z) fn(full(z)), function(z) gr(full(z))[free], start[free]),
      error = function(e) NULL)  # the search met a singular information: skip this start
    if (is.null(res)) next
    if (is.null(best) || res$value > best$value)
      best <- list(value = res$value, par = full(res$par), grad_max = res$grad_max)
  }
  if (is.null(best)) stop("no finite starting value for the profile at ", v)
  best
}

profile_interval <- function(fn, gr, theta_hat, j, level = 0.95, shift = NULL, null = NULL) {
  H <- jacobian(gr, theta_hat)
  V <- solve(-(H + t(H)) / 2)
  se <- sqrt(V[j, j])
  plmax <- fn(theta_hat)
  z <- qnorm(0.5 + level / 2)
  worst_grad <- 0
  root <- function(v) {
    cm <- constrained_max(fn, gr, theta_hat, V, j, v, shift, null)
    worst_grad <<- max(worst_grad, cm$grad_max)
    sqrt(max(2 * (plmax - cm$value), 0)) - z
  }
  ends <- c(NA, NA)
  for (s in 1:2) {
    direction <- c(-1, 1)[s]
    inner <- theta_hat[j]
    for (k in 0:40) {
      outer <- theta_hat[j] + direction * se * z * 1.25^k
      if (root(outer) >= 0) break
      inner <- outer
    }
    ends[s] <- uniroot(root, sort(c(inner, outer)), tol = 1e-12, maxiter = 1000)$root
  }
  # multimodality check at each limit: maximise again from 20 random starts (fixed seed;
  # estimate + 2 se * N(0, 1) noise, `shift` block sorted to keep cut-points ordered). A
  # positive "gap" means a higher constrained maximum exists there than the fixed starts
  # reached, so that limit is not the limit of the global profile likelihood.
  gaps <- c(NA, NA)
  for (s in 1:2) {
    v <- ends[s]
    used <- constrained_max(fn, gr, theta_hat, V, j, v, shift, null)$value
    set.seed(1000 * j + s)
    free <- setdiff(seq_along(theta_hat), j)
    best <- -Inf
    for (r in 1:20) {
      start <- theta_hat + 2 * sqrt(diag(V)) * rnorm(length(theta_hat))
      if (length(shift)) start[shift] <- sort(start[shift])
      start[j] <- v
      if (!is.finite(fn(start))) next
      full <- function(zz) { t <- start; t[free] <- zz; t }
      o <- tryCatch(
        optim(start[free], function(zz) { val <- fn(full(zz)); if (is.finite(val)) -val else Inf },
              function(zz) -gr(full(zz))[free], method = "BFGS",
              control = list(reltol = 1e-12, maxit = 5000)),
        error = function(e) NULL)  # a start where the information is singular
      if (!is.null(o)) best <- max(best, -o$value)
    }
    gaps[s] <- max(best - used, 0)
  }
  list(low = ends[1], high = ends[2], se = se, worst_grad = worst_grad, gap_low = gaps[1],
       gap_high = gaps[2])
}
