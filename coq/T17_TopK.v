(** * T17 — top-k attention at finite temperature (SPEC.md §3, claim T17)

    A probability vector p on {0..N−1} (e.g. p = softmax_τ(s)), value rows v_0..v_{N−1} in R^m,
    and a kept set S given by its indicator [keep : nat -> bool] (the top-k set, but any set
    works). The dropped mass is m = Σ_{j∉S} p_j; assume m < 1 (some mass is kept). Then with

      o      = Σ_j p_j v_j                         (full softmax output),
      o_topk = (Σ_{j∈S} p_j v_j) / (1 − m)          (renormalised top-k output),
      D      = Σ_{j∉S} p_j v_j                      (dropped part; ō_dropped = D/m when m > 0):

      (a) o_topk − o = m·o_topk − D, i.e. o_topk − o = m·(o_topk − ō_dropped) when m > 0;
      (b) ‖o_topk − o‖ ≤ m · B whenever ‖v_i − v_j‖ ≤ B for all i, j (B = max_{i,j} ‖v_i − v_j‖);
      (c) ‖o_topk − o‖ ≤ 2m · M whenever ‖v_j‖ ≤ M for all j (M = max_j ‖v_j‖);
      (d) for p = softmax_τ(s) with S non-empty, m < 1 holds automatically, so (a)–(c) apply.

    Norms are T9's [is_norm] (extensional, triangle inequality, absolute homogeneity). The
    statements are rational identities and inequalities in p; no exponential is needed except
    in (d), where it only gives p_j > 0. *)

Require Import Reals Lra Lia.
Require Import TropicalAttention.Softmax.
Require Import TropicalAttention.T9_FiniteTemperature.
Open Scope R_scope.

(** The weights restricted to the kept set, and to its complement. *)
Definition kept (keep : nat -> bool) (p : nat -> R) : nat -> R :=
  fun j => if keep j then p j else 0.
Definition dropped (keep : nat -> bool) (p : nat -> R) : nat -> R :=
  fun j => if keep j then 0 else p j.

(** Weighted sum of value rows, coordinate i: Σ_j w_j v_j(i). *)
Definition vsum (N : nat) (w : nat -> R) (v : nat -> nat -> R) : nat -> R :=
  fun i => sumN N (fun j => w j * v j i).

Definition dropped_mass N keep p : R := sumN N (dropped keep p).
Definition o_full N p v : nat -> R := vsum N p v.
Definition o_topk N keep p v : nat -> R :=
  fun i => vsum N (kept keep p) v i / (1 - dropped_mass N keep p).
Definition o_dropped_part N keep p v : nat -> R := vsum N (dropped keep p) v.

Lemma kept_dropped_split : forall keep p j, p j = kept keep p j + dropped keep p j.
Proof. intros; unfold kept, dropped; destruct (keep j); ring. Qed.

Lemma kept_nonneg : forall N keep p, prob N p -> forall j, (j < N)%nat -> 0 <= kept keep p j.
Proof. intros N keep p Hp j Hj; unfold kept; destruct (keep j); [apply (proj1 Hp), Hj | lra]. Qed.

Lemma dropped_nonneg : forall N keep p, prob N p -> forall j, (j < N)%nat -> 0 <= dropped keep p j.
Proof. intros N keep p Hp j Hj; unfold dropped; destruct (keep j); [lra | apply (proj1 Hp), Hj]. Qed.

(** The kept mass is 1 − m. *)
Lemma kept_mass : forall N keep p, prob N p ->
  sumN N (kept keep p) = 1 - dropped_mass N keep p.
Proof.
  intros N keep p Hp; unfold dropped_mass.
  rewrite <- (proj2 Hp), (sumN_ext N p (fun j => kept keep p j + dropped keep p j))
    by (intros; apply kept_dropped_split).
  rewrite sumN_plus; ring.
Qed.

(** o = Σ_{j∈S} p_j v_j + D, coordinatewise. *)
Lemma o_full_split : forall N keep p v i,
  o_full N p v i = vsum N (kept keep p) v i + o_dropped_part N keep p v i.
Proof.
  intros; unfold o_full, o_dropped_part, vsum; rewrite <- sumN_plus.
  apply sumN_ext; intros j _; rewrite (kept_dropped_split keep p j) at 1; ring.
Qed.

(** T17 (a): the identity o_topk − o = m·o_topk − D (coordinatewise), and, when m > 0,
    o_topk − o = m·(o_topk − ō_dropped) with ō_dropped = D/m the mean of the dropped rows. *)
Theorem T17_topk_identity : forall N keep p v,
  prob N p -> dropped_mass N keep p < 1 ->
  let m := dropped_mass N keep p in
  (forall i, o_topk N keep p v i - o_full N p v i = m * o_topk N keep p v i - o_dropped_part N keep p v i)
  /\ (0 < m -> forall i,
        o_topk N keep p v i - o_full N p v i
        = m * (o_topk N keep p v i - o_dropped_part N keep p v i / m)).
Proof.
  intros N keep p v Hp Hm m.
  assert (H1 : 1 - m <> 0) by (unfold m; lra).
  assert (Hid : forall i, o_topk N keep p v i - o_full N p v i
                          = m * o_topk N keep p v i - o_dropped_part N keep p v i).
  { intros i; rewrite (o_full_split N keep p v i); unfold o_topk; fold m; field; exact H1. }
  split; [exact Hid|].
  intros Hpos i; rewrite Hid; field; lra.
Qed.

(** o_topk − v_j = Σ_i (p_i [i∈S]/(1−m)) (v_i − v_j): a convex combination of differences. *)
Lemma o_topk_minus_row : forall N keep p v j,
  prob N p -> dropped_mass N keep p < 1 ->
  forall i, o_topk N keep p v i - v j i
            = sumN N (fun l => (kept keep p l / (1 - dropped_mass N keep p)) * (v l i - v j i)).
Proof.
  intros N keep p v j Hp Hm i.
  set (m := dropped_mass N keep p).
  assert (H1 : 1 - m <> 0) by (unfold m; lra).
  rewrite (sumN_ext N _ (fun l => / (1 - m) * (kept keep p l * v l i)
                                  + (- v j i / (1 - m)) * kept keep p l))
    by (intros; field; exact H1).
  rewrite sumN_plus, !sumN_scal, kept_mass by exact Hp; fold m.
  unfold o_topk, vsum; fold m; field; exact H1.
Qed.

(** T17 (b): ‖o_topk − o‖ ≤ m·B for every B bounding all pairwise distances ‖v_i − v_j‖. *)
Theorem T17_topk_error_diameter : forall nrm N keep p v B,
  is_norm nrm -> prob N p -> dropped_mass N keep p < 1 ->
  (forall i j, (i < N)%nat -> (j < N)%nat -> nrm (fun c => v i c - v j c) <= B) ->
  nrm (fun i => o_topk N keep p v i - o_full N p v i) <= dropped_mass N keep p * B.
Proof.
  intros nrm N keep p v B Hn Hp Hm HB; pose proof Hn as [Hext _].
  set (m := dropped_mass N keep p).
  assert (H1 : 1 - m <> 0) by (unfold m; lra).
  assert (H1' : 0 < / (1 - m)) by (apply Rinv_0_lt_compat; unfold m; lra).
  set (t := o_topk N keep p v).
  (* o_topk − o = Σ_j dropped_j (o_topk − v_j) *)
  rewrite (Hext _ (fun i => sumN N (fun j => dropped keep p j * (fun l c => t c - v l c) j i))).
  2:{ intros i; destruct (T17_topk_identity N keep p v Hp Hm) as [Hid _].
      rewrite Hid; fold m t.
      rewrite (sumN_ext N _ (fun j => t i * dropped keep p j + (-1) * (dropped keep p j * v j i)))
        by (intros; ring).
      rewrite sumN_plus, !sumN_scal; unfold o_dropped_part, vsum, m, dropped_mass; ring. }
  eapply Rle_trans; [apply norm_convex_sum; [exact Hn | apply dropped_nonneg, Hp]|].
  unfold m, dropped_mass; rewrite Rmult_comm, <- sumN_scal.
  apply sumN_le; intros j Hj.
  pose proof (dropped_nonneg N keep p Hp j Hj) as Hdj.
  enough (nrm (fun c => t c - v j c) <= B) by nra.
  (* each ‖o_topk − v_j‖ ≤ B: convex combination of the v_l − v_j *)
  set (q := fun l => kept keep p l / (1 - m)).
  rewrite (Hext _ (fun c => sumN N (fun l => q l * (fun l' c' => v l' c' - v j c') l c)))
    by (intros c; unfold t; rewrite (o_topk_minus_row N keep p v j Hp Hm c); reflexivity).
  eapply Rle_trans.
  { apply norm_convex_sum; [exact Hn|].
    intros l Hl; unfold q; apply Rmult_le_pos; [apply (kept_nonneg N); assumption|].
    left; exact H1'. }
  apply Rle_trans with (sumN N (fun l => q l * B)).
  - apply sumN_le; intros l Hl; apply Rmult_le_compat_l; [|apply HB; assumption].
    unfold q; apply Rmult_le_pos; [apply (kept_nonneg N); assumption|].
    left; exact H1'.
  - rewrite (sumN_ext N _ (fun l => (B / (1 - m)) * kept keep p l)) by (intros; unfold q; field; exact H1).
    rewrite sumN_scal, kept_mass by exact Hp; fold m; right; field; exact H1.
Qed.

(** T17 (c): ‖o_topk − o‖ ≤ 2m·M for every M bounding all ‖v_j‖. *)
Theorem T17_topk_error_max_norm : forall nrm N keep p v M,
  is_norm nrm -> prob N p -> dropped_mass N keep p < 1 ->
  (forall j, (j < N)%nat -> nrm (v j) <= M) ->
  nrm (fun i => o_topk N keep p v i - o_full N p v i) <= 2 * dropped_mass N keep p * M.
Proof.
  intros nrm N keep p v M Hn Hp Hm HM; pose proof Hn as [Hext [Htri Hhom]].
  rewrite Rmult_assoc, (Rmult_comm 2), Rmult_assoc.
  apply T17_topk_error_diameter; try assumption.
  intros i j Hi Hj.
  rewrite (Hext _ (fun c => v i c + (-1) * v j c)) by (intros; ring).
  eapply Rle_trans; [apply Htri|].
  assert (Habs : Rabs (-1) = 1) by (rewrite Rabs_left; lra).
  rewrite Hhom, Habs, Rmult_1_l.
  change (fun c => v i c) with (v i); change (fun c => v j c) with (v j).
  pose proof (HM i Hi); pose proof (HM j Hj); lra.
Qed.

(** With softmax weights every p_j > 0, so a non-empty kept set has m < 1. *)
Lemma softmax_dropped_mass_lt_1 : forall tau N s keep j0,
  (j0 < N)%nat -> keep j0 = true -> dropped_mass N keep (softmax tau N s) < 1.
Proof.
  intros tau N s keep j0 Hj0 Hk.
  assert (Hp : prob N (softmax tau N s)) by (apply softmax_prob; lia).
  pose proof (kept_mass N keep _ Hp) as H.
  assert (0 < sumN N (kept keep (softmax tau N s))).
  { apply Rlt_le_trans with (kept keep (softmax tau N s) j0).
    - unfold kept; rewrite Hk; apply softmax_pos; lia.
    - apply sumN_ge_term; [apply kept_nonneg, Hp | exact Hj0]. }
  lra.
Qed.

(** T17 (d): the three statements for p = softmax_τ(s) and any non-empty kept set S. *)
Theorem T17_softmax_topk_bounds : forall tau N s keep j0 nrm v B M,
  (j0 < N)%nat -> keep j0 = true -> is_norm nrm ->
  (forall i j, (i < N)%nat -> (j < N)%nat -> nrm (fun c => v i c - v j c) <= B) ->
  (forall j, (j < N)%nat -> nrm (v j) <= M) ->
  let p := softmax tau N s in
  let m := dropped_mass N keep p in
  (forall i, o_topk N keep p v i - o_full N p v i = m * o_topk N keep p v i - o_dropped_part N keep p v i)
  /\ nrm (fun i => o_topk N keep p v i - o_full N p v i) <= m * B
  /\ nrm (fun i => o_topk N keep p v i - o_full N p v i) <= 2 * m * M.
Proof.
  intros tau N s keep j0 nrm v B M Hj0 Hk Hn HB HM p m.
  assert (Hp : prob N p) by (apply softmax_prob; lia).
  assert (Hm : m < 1) by (apply (softmax_dropped_mass_lt_1 tau N s keep j0); assumption).
  split; [apply (T17_topk_identity N keep p v Hp Hm)|].
  split; [now apply T17_topk_error_diameter | now apply T17_topk_error_max_norm].
Qed.
