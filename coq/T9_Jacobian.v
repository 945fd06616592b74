(** * T9 (Jacobian) — sensitivity of softmax at finite temperature (SPEC.md §3, claim T9)

    p = softmax_τ(s), τ > 0. The partial derivatives are
      [∂p_i/∂s_j = (p_i·[i = j] − p_i·p_j) / τ]
    (proved as derivatives, with the standard library's [derivable_pt_lim], by varying s_j alone),
    and the induced ∞→∞ norm of the Jacobian J satisfies, for every row i and every index i*,
      [Σ_j |J_ij| = (2/τ)·p_i·(1 − p_i) ≤ (2/τ)·(1 − p_{i*})],
    i.e. [‖∂p/∂s‖_{∞→∞} ≤ (2/τ)(1 − p_{i*})]; with i* the maximiser this is the T9 bound. *)

Require Import Reals Lra Lia.
Require Import TropicalAttention.Softmax TropicalAttention.T9_FiniteTemperature.
Open Scope R_scope.

(** s with its j-th score replaced by u. *)
Definition s_upd (s : nat -> R) (j : nat) (u : R) : nat -> R :=
  fun k => if Nat.eq_dec k j then u else s k.

Definition kron (i j : nat) : R := if Nat.eq_dec i j then 1 else 0.

Lemma derivable_pt_lim_ext : forall f g x l,
  (forall y, f y = g y) -> derivable_pt_lim f x l -> derivable_pt_lim g x l.
Proof.
  intros f g x l Hfg Hf eps Heps; destruct (Hf eps Heps) as [delta Hd]; exists delta.
  intros h Hh Hlt; rewrite <- !Hfg; now apply Hd.
Qed.

Lemma deriv_weight : forall tau s j k u, tau <> 0 ->
  derivable_pt_lim (fun v => exp (s_upd s j v k / tau)) u
    (if Nat.eq_dec k j then exp (u / tau) * / tau else 0).
Proof.
  intros tau s j k u Ht; unfold s_upd; destruct (Nat.eq_dec k j) as [->|Hne].
  - apply derivable_pt_lim_ext with (f := comp exp (mult_real_fct (/ tau) id)).
    + intros y; unfold comp, mult_real_fct, id; f_equal; unfold Rdiv; ring.
    + replace (exp (u / tau) * / tau) with (exp (mult_real_fct (/ tau) id u) * (/ tau * 1))
        by (unfold mult_real_fct, id, Rdiv; rewrite Rmult_1_r, (Rmult_comm (/ tau) u); reflexivity).
      apply derivable_pt_lim_comp;
        [apply derivable_pt_lim_scal, derivable_pt_lim_id | apply derivable_pt_lim_exp].
  - apply derivable_pt_lim_ext with (f := fct_cte (exp (s k / tau)));
      [reflexivity | apply derivable_pt_lim_const].
Qed.

Lemma deriv_sumN : forall N (g : nat -> R -> R) (g' : nat -> R) u,
  (forall k, (k < N)%nat -> derivable_pt_lim (g k) u (g' k)) ->
  derivable_pt_lim (fun v => sumN N (fun k => g k v)) u (sumN N g').
Proof.
  induction N as [|N IH]; intros g g' u Hg; simpl.
  - apply derivable_pt_lim_ext with (f := fct_cte 0);
      [reflexivity | apply derivable_pt_lim_const].
  - apply derivable_pt_lim_ext with
      (f := plus_fct (fun v => sumN N (fun k => g k v)) (g N)); [reflexivity|].
    apply derivable_pt_lim_plus; [apply IH; intros; apply Hg; lia | apply Hg; lia].
Qed.

(** A sum whose only nonzero term is at index j < N equals that term. *)
Lemma sumN_delta : forall N j c, (j < N)%nat ->
  sumN N (fun k => if Nat.eq_dec k j then c else 0) = c.
Proof.
  intros N j c Hj; rewrite (sumN_split N _ j Hj).
  destruct (Nat.eq_dec j j) as [_|]; [|congruence].
  rewrite (sumN_ext N _ (fun _ => 0)), sumN_const; [ring|].
  intros k Hk; unfold drop; destruct (Nat.eq_dec k j); [reflexivity|].
  destruct (Nat.eq_dec k j); [contradiction | reflexivity].
Qed.

Lemma s_upd_same : forall s j k, s_upd s j (s j) k = s k.
Proof. intros s j k; unfold s_upd; destruct (Nat.eq_dec k j) as [->|]; reflexivity. Qed.

(** T9 (Jacobian entries): for τ > 0, N ≥ 1, i, j < N, varying s_j alone,
    [∂ softmax_τ(s)_i / ∂ s_j = (p_i·[i = j] − p_i·p_j) / τ] where p = softmax_τ(s). *)
Theorem T9_softmax_partial_derivative : forall tau N s i j,
  0 < tau -> (0 < N)%nat -> (i < N)%nat -> (j < N)%nat ->
  let p := softmax tau N s in
  derivable_pt_lim (fun u => softmax tau N (s_upd s j u) i) (s j)
    ((p i * kron i j - p i * p j) / tau).
Proof.
  intros tau N s i j Ht HN Hi Hj p.
  set (num := fun u => exp (s_upd s j u i / tau)).
  set (den := fun u => sumN N (fun k => exp (s_upd s j u k / tau))).
  assert (Hden : den (s j) = sumN N (fun k => exp (s k / tau))).
  { unfold den; apply sumN_ext; intros k _; now rewrite s_upd_same. }
  assert (Hnum : num (s j) = exp (s i / tau)) by (unfold num; now rewrite s_upd_same).
  assert (HZ : 0 < sumN N (fun k => exp (s k / tau))) by (apply sumN_exp_pos, HN).
  pose proof (derivable_pt_lim_div num den (s j)
    (if Nat.eq_dec i j then exp (s j / tau) * / tau else 0)
    (sumN N (fun k => if Nat.eq_dec k j then exp (s j / tau) * / tau else 0))
    ltac:(apply deriv_weight; lra)
    ltac:(apply deriv_sumN; intros k _; apply deriv_weight; lra)
    ltac:(rewrite Hden; lra)) as D.
  rewrite sumN_delta in D by exact Hj.
  rewrite Hden, Hnum in D.
  apply derivable_pt_lim_ext with (f := (num / den)%F); [reflexivity|].
  replace ((p i * kron i j - p i * p j) / tau) with
    (((if Nat.eq_dec i j then exp (s j / tau) * / tau else 0) *
        sumN N (fun k => exp (s k / tau)) -
      exp (s j / tau) * / tau * exp (s i / tau)) / (sumN N (fun k => exp (s k / tau)))²);
    [exact D|].
  unfold p, softmax, kron, Rsqr; destruct (Nat.eq_dec i j) as [->|Hne]; field; lra.
Qed.

(** Row sums of the Jacobian J_ij = (p_i[i=j] − p_i p_j)/τ for a probability vector p. *)
Definition jac (tau : R) (p : nat -> R) (i j : nat) : R := (p i * kron i j - p i * p j) / tau.

(** T9 (Jacobian norm): for τ > 0, a probability vector p on {0..N−1} (e.g. softmax_τ(s)),
    every row i < N and every index i* < N:
    [Σ_j |J_ij| = (2/τ)·p_i·(1 − p_i) ≤ (2/τ)·(1 − p_{i*})],
    hence [‖J‖_{∞→∞} = max_i Σ_j |J_ij| ≤ (2/τ)(1 − p_{i*})]. *)
Theorem T9_jacobian_inf_norm_bound : forall tau N p i istar,
  0 < tau -> prob N p -> (i < N)%nat -> (istar < N)%nat ->
  sumN N (fun j => Rabs (jac tau p i j)) = 2 / tau * (p i * (1 - p i))
  /\ 2 / tau * (p i * (1 - p i)) <= 2 / tau * (1 - p istar).
Proof.
  intros tau N p i istar Ht Hp Hi His.
  pose proof Hp as [Hnn Hsum].
  assert (Hpi : 0 <= p i <= 1).
  { split; [now apply Hnn|]. pose proof (sumN_ge_term N p i Hnn Hi); lra. }
  split.
  - rewrite (sumN_split N _ i Hi).
    unfold jac at 1, kron at 1; destruct (Nat.eq_dec i i) as [_|]; [|congruence].
    rewrite (sumN_ext N _ (fun j => p i / tau * drop i p j)).
    + rewrite sumN_scal, (sum_drop_prob N p i Hp Hi).
      replace ((p i * 1 - p i * p i) / tau) with (p i * (1 - p i) / tau) by (field; lra).
      rewrite Rabs_right; [field; lra|].
      apply Rle_ge, Rmult_le_pos; [nra | left; now apply Rinv_0_lt_compat].
    + intros j Hj; unfold drop, jac, kron.
      destruct (Nat.eq_dec j i) as [->|Hne]; [ring|].
      destruct (Nat.eq_dec i j) as [E|_]; [congruence|].
      replace ((p i * 0 - p i * p j) / tau) with (- (p i * p j / tau)) by (field; lra).
      rewrite Rabs_Ropp, Rabs_right; [field; lra|].
      apply Rle_ge, Rmult_le_pos; [apply Rmult_le_pos; [lra | now apply Hnn] |].
      left; now apply Rinv_0_lt_compat.
  - apply Rmult_le_compat_l; [left; apply Rdiv_lt_0_compat; lra|].
    destruct (Nat.eq_dec i istar) as [->|Hne]; [nra|].
    (* p_i + p_{i*} ≤ 1 since both are terms of a sum of non-negative terms equal to 1 *)
    assert (p i <= 1 - p istar).
    { rewrite <- (sum_drop_prob N p istar Hp His).
      replace (p i) with (drop istar p i)
        by (unfold drop; destruct (Nat.eq_dec i istar); [congruence | reflexivity]).
      apply sumN_ge_term; [|exact Hi].
      intros k Hk; unfold drop; destruct (Nat.eq_dec k istar); [lra | now apply Hnn]. }
    nra.
Qed.
