(** * T8 at d = 1 — a head on a one-dimensional stream has at most two cells (SPEC.md §3, T8)

    Setting A with d_model = 1: each layer's keys k_j = W_K c_j + b_K are affine images of the
    scalar context tokens c_j, so the lifted points (a_j, β_j) = σ·(W_Qᵀ k_j, ⟨b_Q, k_j⟩) are
    (p·c_j + q, r·c_j + s) for reals p, q, r, s fixed by the weights. The score at the query x,
    s_j(x) = a_j·x + β_j = (p·x + r)·c_j + (q·x + s), is affine in c_j, so on
    [min c, max c] it is largest at an end. Hence a key that strictly beats both keys with the
    extreme context values at some x cannot exist. The cell of key j (where it is the unique
    maximiser) is therefore empty unless c_j is the smallest or the largest context value, and
    keys sharing a context value tie everywhere. So a head has at most two cells, a layer with H
    heads has at most 2^H, and L layers have at most 2^{H·L} (the product bound), whatever N is.
    That refutes the order N^{d·L} at d = 1 for N > 2^H.
    Rust counterpart: proofs-tests/src/claims/t08_depth.rs, check_one_dimensional. *)

Require Import Reals Lra.
Open Scope R_scope.

(** The score of a key whose context token is c, at the query x. *)
Definition score1 (p q r s x c : R) : R := (p * c + q) * x + (r * c + s).

Lemma score1_affine_in_c : forall p q r s x c,
  score1 p q r s x c = (p * x + r) * c + (q * x + s).
Proof. intros; unfold score1; ring. Qed.

(** On [cmin, cmax] the score is at most the larger of its values at the ends. *)
Theorem T8_one_dimensional_endpoint_max : forall p q r s x cmin cmax c,
  cmin <= c <= cmax ->
  score1 p q r s x c <= Rmax (score1 p q r s x cmin) (score1 p q r s x cmax).
Proof.
  intros p q r s x cmin cmax c [H1 H2].
  rewrite !score1_affine_in_c.
  destruct (Rle_dec 0 (p * x + r)) as [Hm|Hm].
  - apply Rle_trans with ((p * x + r) * cmax + (q * x + s)); [nra | apply Rmax_r].
  - apply Rle_trans with ((p * x + r) * cmin + (q * x + s)); [nra | apply Rmax_l].
Qed.

(** No key strictly beats both extreme keys: the only possible cells are the two extremes'. *)
Theorem T8_one_dimensional_no_interior_cell : forall p q r s x cmin cmax c,
  cmin <= c <= cmax ->
  score1 p q r s x cmin < score1 p q r s x c ->
  score1 p q r s x cmax < score1 p q r s x c ->
  False.
Proof.
  intros p q r s x cmin cmax c Hc Hmin Hmax.
  pose proof (T8_one_dimensional_endpoint_max p q r s x cmin cmax c Hc) as H.
  unfold Rmax in H; destruct (Rle_dec _ _); lra.
Qed.
