(** * T3 — the zero-temperature limit of softmax (SPEC.md §3, claim T3)

    For scores s_0..s_{N−1} (N ≥ 1), let M = max_i s_i, A = argmax s = {j : s_j = M}
    (ties included) and k = |A| ≥ 1. Then for every j < N
      [lim_{τ→0⁺} softmax_τ(s)_j = 1/k if j ∈ A, and 0 otherwise],
    i.e. softmax_τ(s) tends to the uniform distribution on argmax s.
    The limit is the standard library's [limit1_in] restricted to the domain τ > 0. *)

Require Import Reals Lra Lia.
Require Import TropicalAttention.Softmax.
Open Scope R_scope.

(** max of s_0..s_{N−1} (for N ≥ 1; s_0 when N = 0, never used). *)
Fixpoint maxN (N : nat) (s : nat -> R) : R :=
  match N with
  | O => s O
  | S k => Rmax (maxN k s) (s k)
  end.

Lemma maxN_ge : forall N s i, (i < N)%nat -> s i <= maxN N s.
Proof.
  induction N as [|k IH]; intros s i Hi; [lia|]; simpl.
  destruct (Nat.eq_dec i k) as [->|Hne]; [apply Rmax_r|].
  eapply Rle_trans; [apply IH; lia | apply Rmax_l].
Qed.

Lemma maxN_attained : forall N s, (0 < N)%nat -> exists j, (j < N)%nat /\ s j = maxN N s.
Proof.
  induction N as [|k IH]; intros s HN; [lia|]; simpl.
  destruct (Rle_dec (maxN k s) (s k)) as [Hle|Hlt].
  - exists k; split; [lia|]; now rewrite Rmax_right.
  - rewrite Rmax_left by lra.
    destruct k as [|k'].
    + exists O; split; [lia | reflexivity].
    + destruct (IH s ltac:(lia)) as [j [Hj Hs]]; exists j; split; [lia | exact Hs].
Qed.

(** Indicator of the argmax set, and the number k of (tied) maximisers. *)
Definition argmax_ind (N : nat) (s : nat -> R) (j : nat) : R :=
  if Req_EM_T (s j) (maxN N s) then 1 else 0.

Definition n_argmax (N : nat) (s : nat -> R) : R := sumN N (argmax_ind N s).

Lemma argmax_ind_spec : forall N s j, (j < N)%nat ->
  (argmax_ind N s j = 1 <-> forall i, (i < N)%nat -> s i <= s j).
Proof.
  intros N s j Hj; unfold argmax_ind; destruct (Req_EM_T (s j) (maxN N s)) as [E|E]; split.
  - intros _ i Hi; rewrite E; now apply maxN_ge.
  - reflexivity.
  - intros H; lra.
  - intros H; exfalso; apply E.
    destruct (maxN_attained N s ltac:(lia)) as [m [Hm Hsm]].
    pose proof (maxN_ge N s j Hj); pose proof (H m Hm); lra.
Qed.

Lemma n_argmax_ge_1 : forall N s, (0 < N)%nat -> 1 <= n_argmax N s.
Proof.
  intros N s HN; destruct (maxN_attained N s HN) as [m [Hm Hsm]].
  unfold n_argmax.
  replace 1 with (argmax_ind N s m)
    by (unfold argmax_ind; destruct (Req_EM_T (s m) (maxN N s)); [reflexivity | contradiction]).
  apply sumN_ge_term; [|exact Hm].
  intros i _; unfold argmax_ind; destruct (Req_EM_T _ _); lra.
Qed.

Definition pos_side : R -> Prop := fun tau => 0 < tau.

Lemma limit1_in_ext : forall (f g : R -> R) (D : R -> Prop) (l x0 : R),
  (forall x, D x -> f x = g x) -> limit1_in f D l x0 -> limit1_in g D l x0.
Proof.
  intros f g D l x0 Hfg Hf eps Heps.
  destruct (Hf eps Heps) as [alp [Halp H]]; exists alp; split; [exact Halp|].
  intros x [Hx Hd]; rewrite <- Hfg by exact Hx; apply H; now split.
Qed.

Lemma limit_const : forall (c : R) (D : R -> Prop) (x0 : R), limit1_in (fun _ => c) D c x0.
Proof. intros c D x0; apply (limit_free (fun _ => c) D c x0). Qed.

(** exp(−c/τ) → 0 as τ → 0⁺, for c > 0. *)
Lemma limit_exp_neg_over : forall c, 0 < c ->
  limit1_in (fun tau => exp (- c / tau)) pos_side 0 0.
Proof.
  intros c Hc eps Heps.
  set (L := Rabs (ln eps) + 1).
  assert (HL : 0 < L) by (unfold L; pose proof (Rabs_pos (ln eps)); lra).
  exists (c / L); split; [apply Rdiv_lt_0_compat; lra|].
  intros tau [Htau Hd]; unfold pos_side in Htau; simpl in *; unfold R_dist in *.
  rewrite Rminus_0_r in *; rewrite Rabs_right in Hd by lra.
  rewrite Rabs_right by (left; apply exp_pos).
  rewrite <- (exp_ln eps Heps); apply exp_increasing.
  assert (c / tau > L).
  { apply Rmult_lt_reg_r with (r := tau); [lra|].
    replace (c / tau * tau) with c by (field; lra).
    apply Rmult_lt_compat_l with (r := L) in Hd; [|lra].
    replace (L * (c / L)) with c in Hd by (field; lra). lra. }
  assert (- c / tau = - (c / tau)) by (field; lra).
  pose proof (Rle_abs (- ln eps)); rewrite Rabs_Ropp in *; unfold L in *; lra.
Qed.

(** Each shifted weight exp((s_i − M)/τ), i < N, tends to the argmax indicator. *)
Lemma limit_shifted_weight : forall N s i, (i < N)%nat ->
  limit1_in (fun tau => exp ((s i - maxN N s) / tau)) pos_side (argmax_ind N s i) 0.
Proof.
  intros N s i Hi; unfold argmax_ind; destruct (Req_EM_T (s i) (maxN N s)) as [E|E].
  - apply limit1_in_ext with (f := fun _ => 1); [|apply limit_const].
    intros tau _; rewrite E; unfold Rminus, Rdiv; rewrite Rplus_opp_r, Rmult_0_l, exp_0;
      reflexivity.
  - assert (Hlt : s i < maxN N s) by (pose proof (maxN_ge N s i Hi); lra).
    apply limit1_in_ext with (f := fun tau => exp (- (maxN N s - s i) / tau)).
    + intros tau _; f_equal; unfold Rdiv; ring.
    + apply limit_exp_neg_over; lra.
Qed.

(** The shifted partition function Σ_i exp((s_i − M)/τ) tends to k = |argmax s|. *)
Lemma limit_shifted_partition : forall N s,
  limit1_in (fun tau => sumN N (fun i => exp ((s i - maxN N s) / tau))) pos_side
    (n_argmax N s) 0.
Proof.
  intros N s; unfold n_argmax.
  assert (H : forall K, (K <= N)%nat ->
    limit1_in (fun tau => sumN K (fun i => exp ((s i - maxN N s) / tau))) pos_side
      (sumN K (argmax_ind N s)) 0).
  { induction K as [|K IH]; intros HK; simpl.
    - apply limit_const.
    - apply limit_plus; [apply IH; lia | apply limit_shifted_weight; lia]. }
  apply H; lia.
Qed.

(** Softmax is invariant under the shift s ↦ s − M (τ > 0). *)
Lemma softmax_shift : forall tau N s j, 0 < tau -> (0 < N)%nat ->
  softmax tau N s j =
  exp ((s j - maxN N s) / tau) * / sumN N (fun i => exp ((s i - maxN N s) / tau)).
Proof.
  intros tau N s j Ht HN; unfold softmax.
  set (c := exp (- maxN N s / tau)).
  assert (Hsh : forall i, exp ((s i - maxN N s) / tau) = c * exp (s i / tau)).
  { intros i; unfold c; rewrite <- exp_plus; f_equal; field; lra. }
  rewrite (sumN_ext N (fun i => exp ((s i - maxN N s) / tau)) (fun i => c * exp (s i / tau)))
    by (intros; apply Hsh).
  rewrite sumN_scal, Hsh.
  pose proof (sumN_exp_pos tau N s HN); assert (0 < c) by apply exp_pos.
  field; split; lra.
Qed.

(** T3: for N ≥ 1 scores s and every j < N,
    [lim_{τ→0⁺} softmax_τ(s)_j = [j ∈ argmax s] / |argmax s|], where
    [argmax_ind N s j = 1] iff s_j ≥ s_i for all i < N (else 0), and
    [n_argmax N s = Σ_j argmax_ind N s j = |argmax s| ≥ 1]:
    the zero-temperature limit is the uniform distribution on the argmax set, ties included. *)
Theorem T3_softmax_zero_temperature_limit : forall N s j,
  (0 < N)%nat -> (j < N)%nat ->
  limit1_in (fun tau => softmax tau N s j) (fun tau => 0 < tau)
    (argmax_ind N s j / n_argmax N s) 0
  /\ (argmax_ind N s j = 1 <-> forall i, (i < N)%nat -> s i <= s j)
  /\ (argmax_ind N s j = 0 <-> exists i, (i < N)%nat /\ s j < s i)
  /\ 1 <= n_argmax N s.
Proof.
  intros N s j HN Hj.
  assert (Hk := n_argmax_ge_1 N s HN).
  split; [|split; [|split]].
  - apply limit1_in_ext with
      (f := fun tau => exp ((s j - maxN N s) / tau) *
                       / sumN N (fun i => exp ((s i - maxN N s) / tau))).
    + intros tau Ht; symmetry; now apply softmax_shift.
    + unfold Rdiv; apply limit_mul; [now apply limit_shifted_weight|].
      apply limit_inv; [apply limit_shifted_partition | lra].
  - now apply argmax_ind_spec.
  - pose proof (argmax_ind_spec N s j Hj) as Hs; split.
    + intros H0.
      destruct (maxN_attained N s HN) as [m [Hm Hsm]]; exists m; split; [exact Hm|].
      destruct (Rlt_le_dec (s j) (s m)) as [Hlt|Hge]; [exact Hlt|].
      exfalso; assert (argmax_ind N s j = 1); [|lra].
      apply Hs; intros i Hi; rewrite Hsm in Hge; pose proof (maxN_ge N s i Hi); lra.
    + intros [i [Hi Hlt]]; unfold argmax_ind in *; destruct (Req_EM_T _ _) as [E|E];
        [|reflexivity].
      pose proof (maxN_ge N s i Hi); lra.
  - exact Hk.
Qed.
