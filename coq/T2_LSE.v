(** * T2 — the log-sum-exp sandwich (SPEC.md §3, claim T2)

    For a non-empty list s = (s_1, …, s_N) of reals and a temperature τ > 0,
    [LSE_τ(s) = τ · log Σ_i exp(s_i / τ)] satisfies
      [max s ≤ LSE_τ(s) ≤ max s + τ · log N],
    and if the maximum is attained k times (k ≥ 1 tied maxima) then
      [LSE_τ(s) ≥ max s + τ · log k]. *)

Require Import Reals Lra Lia List.
Import ListNotations.
Open Scope R_scope.

(** Maximum of a non-empty list (0 for the empty list, never used). *)
Definition lmax (s : list R) : R :=
  match s with nil => 0 | h :: t => fold_right Rmax h t end.

Definition sumexp (tau : R) (s : list R) : R :=
  fold_right (fun x acc => exp (x / tau) + acc) 0 s.

Definition LSE (tau : R) (s : list R) : R := tau * ln (sumexp tau s).

(** Number of entries of s equal to m. *)
Definition count_eq (m : R) (s : list R) : nat :=
  length (filter (fun x => if Req_EM_T x m then true else false) s).

Lemma fold_max_ge : forall h t x, In x (h :: t) -> x <= fold_right Rmax h t.
Proof.
  intros h t; induction t as [|y t IH]; intros x Hx; simpl in *.
  - destruct Hx as [<-|[]]; lra.
  - destruct Hx as [<-|[<-|Hx]].
    + eapply Rle_trans; [apply IH; now left | apply Rmax_r].
    + apply Rmax_l.
    + eapply Rle_trans; [apply IH; now right | apply Rmax_r].
Qed.

Lemma fold_max_in : forall h t, In (fold_right Rmax h t) (h :: t).
Proof.
  intros h t; induction t as [|y t IH]; simpl in *.
  - now left.
  - destruct (Rle_dec y (fold_right Rmax h t)) as [Hle|Hlt].
    + rewrite Rmax_right by exact Hle.
      destruct IH as [E|E]; [now left | now right; right].
    + rewrite Rmax_left by lra; right; now left.
Qed.

Lemma lmax_ge : forall s x, In x s -> x <= lmax s.
Proof. intros [|h t] x Hx; [destruct Hx | now apply fold_max_ge]. Qed.

Lemma lmax_in : forall s, s <> nil -> In (lmax s) s.
Proof. intros [|h t] Hs; [congruence | apply fold_max_in]. Qed.

Lemma sumexp_cons : forall tau x t, sumexp tau (x :: t) = exp (x / tau) + sumexp tau t.
Proof. reflexivity. Qed.

Lemma sumexp_nonneg : forall tau s, 0 <= sumexp tau s.
Proof.
  intros tau s; induction s as [|y t IH]; [simpl; lra|].
  rewrite sumexp_cons; pose proof (exp_pos (y / tau)); lra.
Qed.

Lemma sumexp_pos : forall tau s, s <> nil -> 0 < sumexp tau s.
Proof.
  intros tau s Hs; destruct s as [|x t]; [congruence|].
  rewrite sumexp_cons; pose proof (exp_pos (x / tau)); pose proof (sumexp_nonneg tau t); lra.
Qed.

Lemma exp_le_mono : forall x y, x <= y -> exp x <= exp y.
Proof.
  intros x y [H|H]; [left; now apply exp_increasing | right; now subst].
Qed.

Lemma ln_le_mono : forall x y, 0 < x -> x <= y -> ln x <= ln y.
Proof.
  intros x y Hx [H|H]; [left; now apply ln_increasing | right; now subst].
Qed.

(** Every term is at most exp(m/τ) when every entry is at most m. *)
Lemma sumexp_upper : forall tau m s,
  0 < tau -> (forall x, In x s -> x <= m) -> sumexp tau s <= INR (length s) * exp (m / tau).
Proof.
  intros tau m s Ht Hm; induction s as [|x t IH].
  - simpl; lra.
  - rewrite sumexp_cons; cbn [length]; rewrite S_INR.
    assert (exp (x / tau) <= exp (m / tau)).
    { apply exp_le_mono; unfold Rdiv; apply Rmult_le_compat_r.
      - left; now apply Rinv_0_lt_compat.
      - apply Hm; now left. }
    assert (sumexp tau t <= INR (length t) * exp (m / tau)).
    { apply IH; intros y Hy; apply Hm; now right. }
    lra.
Qed.

(** The k entries equal to m contribute k·exp(m/τ); the others contribute ≥ 0. *)
Lemma sumexp_lower : forall tau m s,
  INR (count_eq m s) * exp (m / tau) <= sumexp tau s.
Proof.
  intros tau m s; unfold count_eq; induction s as [|x t IH].
  - simpl; lra.
  - rewrite sumexp_cons; pose proof (exp_pos (x / tau)); cbn [filter].
    destruct (Req_EM_T x m) as [->|Hne].
    + cbn [length]; rewrite S_INR; lra.
    + lra.
Qed.

Lemma count_eq_max_pos : forall s, s <> nil -> (1 <= count_eq (lmax s) s)%nat.
Proof.
  intros s Hs; unfold count_eq.
  assert (In (lmax s) (filter (fun x => if Req_EM_T x (lmax s) then true else false) s)) as Hin.
  { apply filter_In; split; [now apply lmax_in|].
    destruct (Req_EM_T (lmax s) (lmax s)); congruence. }
  destruct (filter _ s); [destruct Hin | simpl; lia].
Qed.

Lemma count_eq_le_length : forall m s, (count_eq m s <= length s)%nat.
Proof.
  intros m s; unfold count_eq; induction s as [|x t IH]; cbn [filter length]; [lia|].
  destruct (Req_EM_T x m); cbn [length]; lia.
Qed.

(** T2 (tie gap): for a non-empty list s, τ > 0, and k = #{i : s_i = max s} (so k ≥ 1),
    [max s + τ · log k ≤ LSE_τ(s)]. *)
Theorem T2_lse_tie_gap : forall tau s,
  0 < tau -> s <> nil ->
  (1 <= count_eq (lmax s) s)%nat /\
  lmax s + tau * ln (INR (count_eq (lmax s) s)) <= LSE tau s.
Proof.
  intros tau s Ht Hs; split; [now apply count_eq_max_pos|].
  set (m := lmax s); set (k := count_eq m s).
  assert (Hk : 1 <= INR k).
  { replace 1 with (INR 1) by reflexivity; apply le_INR; now apply count_eq_max_pos. }
  assert (Hpos : 0 < INR k * exp (m / tau)) by (pose proof (exp_pos (m / tau)); nra).
  pose proof (ln_le_mono _ _ Hpos (sumexp_lower tau m s)) as Hln.
  rewrite ln_mult, ln_exp in Hln by (lra || apply exp_pos).
  unfold LSE.
  apply Rmult_le_compat_l with (r := tau) in Hln; [|lra].
  replace (tau * (ln (INR k) + m / tau)) with (m + tau * ln (INR k)) in Hln by (field; lra).
  exact Hln.
Qed.

(** T2 (sandwich): for a non-empty list s of length N and τ > 0,
    [max s ≤ LSE_τ(s) ≤ max s + τ · log N]. *)
Theorem T2_lse_sandwich : forall tau s,
  0 < tau -> s <> nil ->
  lmax s <= LSE tau s <= lmax s + tau * ln (INR (length s)).
Proof.
  intros tau s Ht Hs; split.
  - destruct (T2_lse_tie_gap tau s Ht Hs) as [Hk Hgap].
    assert (0 <= ln (INR (count_eq (lmax s) s))).
    { rewrite <- ln_1; apply ln_le_mono; [lra|].
      replace 1 with (INR 1) by reflexivity; now apply le_INR. }
    assert (0 <= tau * ln (INR (count_eq (lmax s) s))) by nra.
    lra.
  - set (m := lmax s).
    assert (HN : 1 <= INR (length s)).
    { replace 1 with (INR 1) by reflexivity; apply le_INR.
      destruct s; [congruence | simpl; lia]. }
    pose proof (sumexp_upper tau m s Ht (lmax_ge s)) as Hup.
    pose proof (ln_le_mono _ _ (sumexp_pos tau s Hs) Hup) as Hln.
    rewrite ln_mult, ln_exp in Hln by (lra || apply exp_pos).
    unfold LSE.
    apply Rmult_le_compat_l with (r := tau) in Hln; [|lra].
    replace (tau * (ln (INR (length s)) + m / tau)) with (m + tau * ln (INR (length s))) in Hln
      by (field; lra).
    exact Hln.
Qed.

(** T2 (zero temperature): for a non-empty list s, [lim_{τ→0⁺} LSE_τ(s) = max s]
    (a consequence of the sandwich: 0 ≤ LSE_τ(s) − max s ≤ τ·log N). *)
Theorem T2_lse_zero_temperature_limit : forall s, s <> nil ->
  limit1_in (fun tau => LSE tau s) (fun tau => 0 < tau) (lmax s) 0.
Proof.
  intros s Hs eps Heps.
  set (L := ln (INR (length s))).
  assert (HL : 0 <= L).
  { unfold L; rewrite <- ln_1; apply ln_le_mono; [lra|].
    replace 1 with (INR 1) by reflexivity; apply le_INR; destruct s; [congruence | simpl; lia]. }
  exists (eps / (L + 1)); split; [apply Rdiv_lt_0_compat; lra|].
  intros tau [Ht Hd]; simpl in *; unfold R_dist in *.
  rewrite Rminus_0_r, Rabs_right in Hd by lra.
  destruct (T2_lse_sandwich tau s Ht Hs) as [H1 H2]; fold L in H2.
  rewrite Rabs_right by lra.
  assert (tau * L <= eps / (L + 1) * L) by (apply Rmult_le_compat_r; lra).
  assert (eps / (L + 1) * L < eps).
  { apply Rmult_lt_reg_r with (r := L + 1); [lra|].
    replace (eps / (L + 1) * L * (L + 1)) with (eps * L) by (field; lra). nra. }
  lra.
Qed.
