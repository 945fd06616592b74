(** * T9 — finite-temperature error bounds (SPEC.md §3, claim T9)

    Scores s_0..s_{N−1}, temperature τ > 0, p = softmax_τ(s), a unique maximiser i* with
    gap Δ = s_{i*} − max_{j≠i*} s_j > 0, and r = exp(−Δ/τ). Then
      (a) r/(1+r) ≤ 1 − p_{i*} ≤ (N−1)r/(1+(N−1)r) ≤ (N−1)r;
      (b) ‖p − e_{i*}‖₁ = 2(1 − p_{i*});
      (c) for values v_0..v_{N−1} in R^m and any norm ‖·‖ (triangle inequality and absolute
          homogeneity), ‖Σ_j p_j v_j − v_{i*}‖ ≤ (1 − p_{i*}) · max_j ‖v_j − v_{i*}‖.
    (b) and (c) hold for every probability vector p; they are proved in that generality.
    The proofs use the rational form z_j = exp(s_j/τ) > 0. *)

Require Import Reals Lra Lia.
Require Import TropicalAttention.Softmax.
Open Scope R_scope.

Lemma frac_le : forall a b c d, 0 < b -> 0 < d -> a * d <= c * b -> a / b <= c / d.
Proof.
  intros a b c d Hb Hd H.
  apply Rmult_le_reg_r with (r := b * d); [nra|].
  replace (a / b * (b * d)) with (a * d) by (field; lra).
  replace (c / d * (b * d)) with (c * b) by (field; lra).
  exact H.
Qed.

(** Rational form: positive weights z_j, one index i*, and r ≥ 0 with
    z_j ≤ r·z_{i*} for all j ≠ i* and z_{j0} ≥ r·z_{i*} for some j0 ≠ i*. *)
Lemma rational_bounds : forall N (z : nat -> R) istar j0 r,
  (istar < N)%nat -> (j0 < N)%nat -> j0 <> istar -> 0 <= r ->
  (forall j, (j < N)%nat -> 0 < z j) ->
  (forall j, (j < N)%nat -> j <> istar -> z j <= r * z istar) ->
  r * z istar <= z j0 ->
  let q := 1 - z istar / sumN N z in
  let M := INR (N - 1) * r in
  r / (1 + r) <= q /\ q <= M / (1 + M) /\ M / (1 + M) <= M.
Proof.
  intros N z istar j0 r Hi Hj0 Hne Hr Hz Hup Hlo q M.
  set (O := sumN N (drop istar z)).
  assert (HZ : sumN N z = z istar + O) by (apply sumN_split, Hi).
  assert (Hzi : 0 < z istar) by (apply Hz, Hi).
  assert (HOlo : z j0 <= O).
  { replace (z j0) with (drop istar z j0)
      by (unfold drop; destruct (Nat.eq_dec j0 istar); [lia|reflexivity]).
    apply sumN_ge_term; [|exact Hj0].
    intros i Hi'; unfold drop; destruct (Nat.eq_dec i istar); [lra|left; now apply Hz]. }
  assert (HOup : O <= M * z istar).
  { unfold M; rewrite Rmult_assoc, <- (sumN_drop_const N (r * z istar) istar Hi).
    apply sumN_le; intros j Hj; unfold drop; destruct (Nat.eq_dec j istar); [lra|].
    now apply Hup. }
  assert (HM : 0 <= M) by (unfold M; apply Rmult_le_pos; [apply pos_INR | exact Hr]).
  assert (0 <= O) by (pose proof (Hz j0 Hj0); lra).
  assert (Hq : q = O / (z istar + O)) by (unfold q; rewrite HZ; field; lra).
  rewrite Hq; repeat split.
  - apply frac_le; [lra | lra |].
    replace (r * (z istar + O)) with (r * z istar + r * O) by ring.
    replace (O * (1 + r)) with (O + r * O) by ring. lra.
  - apply frac_le; [lra | lra |].
    replace (O * (1 + M)) with (O + M * O) by ring.
    replace (M * (z istar + O)) with (M * z istar + M * O) by ring. lra.
  - apply Rmult_le_reg_r with (r := 1 + M); [lra|].
    replace (M / (1 + M) * (1 + M)) with M by (field; lra). nra.
Qed.

(** T9 (a): with a unique maximiser i* and gap Δ > 0 (s_j ≤ s_{i*} − Δ for all j ≠ i*, with
    equality for some j0 ≠ i* ), τ > 0, p = softmax_τ(s), r = exp(−Δ/τ):
    [r/(1+r) ≤ 1 − p_{i*} ≤ (N−1)r/(1+(N−1)r) ≤ (N−1)r]. *)
Theorem T9_one_minus_pmax_bounds :
  forall tau N (s : nat -> R) istar j0 Delta,
    0 < tau -> 0 < Delta -> (istar < N)%nat -> (j0 < N)%nat -> j0 <> istar ->
    (forall j, (j < N)%nat -> j <> istar -> s j <= s istar - Delta) ->
    s j0 = s istar - Delta ->
    let p := softmax tau N s in
    let r := exp (- Delta / tau) in
    r / (1 + r) <= 1 - p istar
    /\ 1 - p istar <= INR (N - 1) * r / (1 + INR (N - 1) * r)
    /\ INR (N - 1) * r / (1 + INR (N - 1) * r) <= INR (N - 1) * r.
Proof.
  intros tau N s istar j0 Delta Ht HD Hi Hj0 Hne Hgap Hj0eq p r.
  set (z := fun i => exp (s i / tau)).
  assert (Hzr : forall j, s j = s istar - Delta -> z j = r * z istar).
  { intros j Hs; unfold z, r; rewrite <- exp_plus; f_equal; rewrite Hs; field; lra. }
  assert (Hup : forall j, (j < N)%nat -> j <> istar -> z j <= r * z istar).
  { intros j Hj Hji; unfold z, r; rewrite <- exp_plus; apply exp_le_mono.
    replace (- Delta / tau + s istar / tau) with ((s istar - Delta) / tau) by (field; lra).
    unfold Rdiv; apply Rmult_le_compat_r; [left; now apply Rinv_0_lt_compat | now apply Hgap]. }
  assert (Hlo : r * z istar <= z j0) by (right; symmetry; apply (Hzr j0), Hj0eq).
  assert (Hr : 0 <= r) by (left; apply exp_pos).
  destruct (rational_bounds N z istar j0 r Hi Hj0 Hne Hr (fun j _ => exp_pos _) Hup Hlo)
    as [H1 [H2 H3]].
  unfold p, softmax; repeat split; assumption.
Qed.

(** Probability vectors on {0..N−1}. *)
Definition prob (N : nat) (p : nat -> R) : Prop :=
  (forall j, (j < N)%nat -> 0 <= p j) /\ sumN N p = 1.

Definition unit_vec (i : nat) : nat -> R := fun j => if Nat.eq_dec j i then 1 else 0.

Lemma softmax_prob : forall tau N s, (0 < N)%nat -> prob N (softmax tau N s).
Proof.
  intros; split; [intros; left; now apply softmax_pos | now apply softmax_sum].
Qed.

Lemma sum_drop_prob : forall N p i, prob N p -> (i < N)%nat -> sumN N (drop i p) = 1 - p i.
Proof. intros N p i [_ Hs] Hi; pose proof (sumN_split N p i Hi); lra. Qed.

(** T9 (b): for every probability vector p on {0..N−1} and i* < N,
    [‖p − e_{i*}‖₁ = Σ_j |p_j − [j = i*]| = 2(1 − p_{i*})]; in particular for p = softmax_τ(s). *)
Theorem T9_l1_distance : forall N p istar, prob N p -> (istar < N)%nat ->
  sumN N (fun j => Rabs (p j - unit_vec istar j)) = 2 * (1 - p istar).
Proof.
  intros N p istar Hp Hi.
  assert (Hle1 : p istar <= 1).
  { pose proof (sumN_ge_term N p istar (proj1 Hp) Hi); destruct Hp; lra. }
  rewrite (sumN_split N _ istar Hi).
  unfold unit_vec at 1; destruct (Nat.eq_dec istar istar) as [_|]; [|congruence].
  rewrite (sumN_ext N _ (drop istar p)).
  - rewrite sum_drop_prob by assumption. rewrite Rabs_left1 by lra; lra.
  - intros j Hj; unfold drop, unit_vec; destruct (Nat.eq_dec j istar).
    + reflexivity.
    + rewrite Rminus_0_r, Rabs_right; [reflexivity | apply Rle_ge, (proj1 Hp), Hj].
Qed.

(** Vectors of R^m are coordinate functions [nat -> R] (operations pointwise). A norm is
    given as hypotheses: it only depends on the coordinates (extensional), it satisfies the
    triangle inequality and absolute homogeneity. Every norm on R^m (ℓ1, ℓ2, ℓ∞, ...) does. *)
Definition is_norm (nrm : (nat -> R) -> R) : Prop :=
  (forall u w, (forall i, u i = w i) -> nrm u = nrm w)
  /\ (forall u w, nrm (fun i => u i + w i) <= nrm u + nrm w)
  /\ (forall c u, nrm (fun i => c * u i) = Rabs c * nrm u).

Lemma norm_zero : forall nrm, is_norm nrm -> nrm (fun _ => 0) = 0.
Proof.
  intros nrm [Hext [_ Hhom]].
  rewrite (Hext _ (fun i => 0 * 0)) by (intros; ring).
  rewrite Hhom, Rabs_R0; ring.
Qed.

(** ‖Σ_j p_j w_j‖ ≤ Σ_j p_j ‖w_j‖ for non-negative p. *)
Lemma norm_convex_sum : forall nrm N (p : nat -> R) (w : nat -> nat -> R),
  is_norm nrm -> (forall j, (j < N)%nat -> 0 <= p j) ->
  nrm (fun i => sumN N (fun j => p j * w j i)) <= sumN N (fun j => p j * nrm (w j)).
Proof.
  intros nrm N p w Hn Hp; pose proof Hn as [Hext [Htri Hhom]].
  induction N as [|k IH]; simpl.
  - rewrite norm_zero by exact Hn; lra.
  - eapply Rle_trans;
      [apply (Htri (fun i => sumN k (fun j => p j * w j i)) (fun i => p k * w k i))|].
    rewrite Hhom, Rabs_right by (apply Rle_ge, Hp; lia).
    pose proof (IH (fun j Hj => Hp j ltac:(lia))); lra.
Qed.

(** T9 (c): for every probability vector p on {0..N−1} (in particular p = softmax_τ(s)),
    index i* < N, values v_0..v_{N−1} ∈ R^m, norm ‖·‖ and bound B with
    ‖v_j − v_{i*}‖ ≤ B for all j (e.g. B = max_j ‖v_j − v_{i*}‖):
    [‖Σ_j p_j v_j − v_{i*}‖ ≤ (1 − p_{i*}) · B]. *)
Theorem T9_output_error_bound :
  forall nrm N (p : nat -> R) (v : nat -> nat -> R) istar B,
    is_norm nrm -> prob N p -> (istar < N)%nat ->
    (forall j, (j < N)%nat -> nrm (fun i => v j i - v istar i) <= B) ->
    nrm (fun i => sumN N (fun j => p j * v j i) - v istar i) <= (1 - p istar) * B.
Proof.
  intros nrm N p v istar B Hn Hp Hi HB; pose proof Hn as [Hext _].
  set (w := fun j i => v j i - v istar i).
  rewrite (Hext _ (fun i => sumN N (fun j => p j * w j i))).
  2:{ intros i.
      rewrite (sumN_ext N (fun j => p j * w j i) (fun j => p j * v j i + (- v istar i) * p j))
        by (intros; unfold w; ring).
      rewrite sumN_plus, sumN_scal, (proj2 Hp); ring. }
  eapply Rle_trans; [apply norm_convex_sum; [exact Hn | exact (proj1 Hp)]|].
  rewrite (sumN_split N _ istar Hi).
  assert (Hw0 : nrm (w istar) = 0).
  { unfold w; rewrite (Hext _ (fun _ => 0)) by (intros; ring); now apply norm_zero. }
  rewrite Hw0, Rmult_0_r, Rplus_0_l.
  rewrite <- (sum_drop_prob N p istar Hp Hi), Rmult_comm, <- sumN_scal.
  apply sumN_le; intros j Hj; unfold drop; destruct (Nat.eq_dec j istar); [lra|].
  pose proof (HB j Hj); pose proof (proj1 Hp j Hj); unfold w; nra.
Qed.

(** T9 (b) and (c) for the softmax itself. *)
Theorem T9_softmax_l1_and_output_error :
  forall tau N s istar, (istar < N)%nat ->
    let p := softmax tau N s in
    sumN N (fun j => Rabs (p j - unit_vec istar j)) = 2 * (1 - p istar)
    /\ forall nrm (v : nat -> nat -> R) B, is_norm nrm ->
       (forall j, (j < N)%nat -> nrm (fun i => v j i - v istar i) <= B) ->
       nrm (fun i => sumN N (fun j => p j * v j i) - v istar i) <= (1 - p istar) * B.
Proof.
  intros tau N s istar Hi p.
  assert (Hp : prob N p) by (apply softmax_prob; lia).
  split; [now apply T9_l1_distance | intros; now apply T9_output_error_bound].
Qed.
