(** Finite sums over {0, …, N−1} and the softmax, shared by T3 and T9.
    [softmax_τ(s)_j = exp(s_j/τ) / Σ_i exp(s_i/τ)] (SPEC.md §1). *)

Require Import Reals Lra Lia.
Open Scope R_scope.

Fixpoint sumN (N : nat) (f : nat -> R) : R :=
  match N with
  | O => 0
  | S k => sumN k f + f k
  end.

Lemma sumN_ext : forall N f g, (forall j, (j < N)%nat -> f j = g j) -> sumN N f = sumN N g.
Proof.
  induction N as [|k IH]; intros f g H; simpl; [reflexivity|].
  rewrite (IH f g) by (intros; apply H; lia); rewrite H by lia; reflexivity.
Qed.

Lemma sumN_le : forall N f g, (forall j, (j < N)%nat -> f j <= g j) -> sumN N f <= sumN N g.
Proof.
  induction N as [|k IH]; intros f g H; simpl; [lra|].
  pose proof (IH f g (fun j Hj => H j ltac:(lia))); pose proof (H k ltac:(lia)); lra.
Qed.

Lemma sumN_nonneg : forall N f, (forall j, (j < N)%nat -> 0 <= f j) -> 0 <= sumN N f.
Proof.
  intros N f H; replace 0 with (sumN N (fun _ => 0)).
  - apply sumN_le; exact H.
  - induction N as [|k IH]; simpl; [reflexivity|]. rewrite IH by (intros; apply H; lia); lra.
Qed.

Lemma sumN_plus : forall N f g, sumN N (fun j => f j + g j) = sumN N f + sumN N g.
Proof. induction N as [|k IH]; intros f g; simpl; [lra|]. rewrite IH; lra. Qed.

Lemma sumN_scal : forall N c f, sumN N (fun j => c * f j) = c * sumN N f.
Proof. induction N as [|k IH]; intros c f; simpl; [lra|]. rewrite IH; lra. Qed.

Lemma sumN_const : forall N c, sumN N (fun _ => c) = INR N * c.
Proof.
  induction N as [|k IH]; intros c; simpl sumN; [simpl; lra|].
  rewrite IH, S_INR; lra.
Qed.

(** A sum of non-negative terms is at least any one of its terms. *)
Lemma sumN_ge_term : forall N f j, (forall i, (i < N)%nat -> 0 <= f i) -> (j < N)%nat ->
  f j <= sumN N f.
Proof.
  induction N as [|k IH]; intros f j Hf Hj; [lia|]; simpl.
  destruct (Nat.eq_dec j k) as [->|Hne].
  - pose proof (sumN_nonneg k f (fun i Hi => Hf i ltac:(lia))); lra.
  - pose proof (IH f j (fun i Hi => Hf i ltac:(lia)) ltac:(lia)); pose proof (Hf k ltac:(lia)); lra.
Qed.

(** [f] with the term at index [i] removed (set to 0). *)
Definition drop (i : nat) (f : nat -> R) : nat -> R :=
  fun j => if Nat.eq_dec j i then 0 else f j.

(** Splitting off one term: Σ_j f_j = f_i + Σ_{j≠i} f_j. *)
Lemma sumN_split : forall N f i, (i < N)%nat -> sumN N f = f i + sumN N (drop i f).
Proof.
  induction N as [|k IH]; intros f i Hi; [lia|]; simpl.
  unfold drop at 2; destruct (Nat.eq_dec k i) as [->|Hne].
  - rewrite (sumN_ext i (drop i f) f); [lra|].
    intros j Hj; unfold drop; destruct (Nat.eq_dec j i); [lia|reflexivity].
  - rewrite (IH f i) by lia; lra.
Qed.

Lemma sumN_drop_const : forall N c i, (i < N)%nat ->
  sumN N (drop i (fun _ => c)) = INR (N - 1) * c.
Proof.
  intros N c i Hi.
  pose proof (sumN_split N (fun _ => c) i Hi) as H; rewrite sumN_const in H.
  destruct N as [|N]; [lia|].
  replace (S N - 1)%nat with N by lia; rewrite S_INR in H; lra.
Qed.

Definition softmax (tau : R) (N : nat) (s : nat -> R) (j : nat) : R :=
  exp (s j / tau) / sumN N (fun i => exp (s i / tau)).

Lemma sumN_exp_pos : forall tau N s, (0 < N)%nat -> 0 < sumN N (fun i => exp (s i / tau)).
Proof.
  intros tau N s HN.
  eapply Rlt_le_trans; [apply (exp_pos (s 0%nat / tau))|].
  apply (sumN_ge_term N (fun i => exp (s i / tau))); [intros; left; apply exp_pos | lia].
Qed.

Lemma softmax_pos : forall tau N s j, (0 < N)%nat -> 0 < softmax tau N s j.
Proof.
  intros; unfold softmax, Rdiv; apply Rmult_lt_0_compat;
    [apply exp_pos | apply Rinv_0_lt_compat, sumN_exp_pos; assumption].
Qed.

Lemma softmax_sum : forall tau N s, (0 < N)%nat -> sumN N (softmax tau N s) = 1.
Proof.
  intros tau N s HN; unfold softmax, Rdiv.
  rewrite (sumN_ext N _ (fun j => / sumN N (fun i => exp (s i / tau)) * exp (s j / tau)))
    by (intros; lra).
  rewrite sumN_scal; field; apply Rgt_not_eq, sumN_exp_pos, HN.
Qed.

Lemma exp_le_mono : forall x y, x <= y -> exp x <= exp y.
Proof. intros x y [H|H]; [left; now apply exp_increasing | right; now subst]. Qed.
