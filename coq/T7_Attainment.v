(** * T7 (attainment) — the bias construction attains N^H cells in d = H (SPEC.md §3, T7)

    In R^H, head h (h < H) reads coordinate h with N keys j = 0..N−1:
      [a^h_j = j · e_h], [β_j = −j²/2], so [s^h_j(x) = j·x_h − j²/2].
    For every label tuple t ∈ {0..N−1}^H, on the open box
      [{y : |y_h − t_h| < 1/2 for all h}]
    every head h has the UNIQUE maximiser t_h. Hence all N^H tuples are realised by
    nonempty open cells; with the counting bound T6 (at most Π_h N = N^H tuples) the
    common refinement has exactly N^H cells. *)

Require Import Reals Lra Lia List.
Require Import TropicalAttention.T4_PowerDiagram TropicalAttention.T6_Counting.
Import ListNotations.
Open Scope R_scope.

(** Head h's slope for key j: the vector j·e_h; bias −j²/2. *)
Definition slope7 (h : nat) (j : nat) : nat -> R := fun i => if Nat.eq_dec i h then INR j else 0.
Definition bias7 (j : nat) : R := - (INR j * INR j) / 2.
Definition score7 (H h j : nat) (y : nat -> R) : R := score H (slope7 h) bias7 j y.

Lemma dot_unit : forall d h c (y : nat -> R), (h < d)%nat ->
  dot d (fun i => if Nat.eq_dec i h then c else 0) y = c * y h.
Proof.
  induction d as [|d IH]; intros h c y Hh; [lia|]; simpl.
  destruct (Nat.eq_dec d h) as [->|Hne].
  - replace (dot h (fun i => if Nat.eq_dec i h then c else 0) y) with 0; [ring|].
    clear IH Hh; assert (Hz : forall k, (k <= h)%nat ->
      dot k (fun i => if Nat.eq_dec i h then c else 0) y = 0).
    { induction k as [|k IHk]; intros Hk; simpl; [reflexivity|].
      destruct (Nat.eq_dec k h); [lia|]; rewrite IHk by lia; ring. }
    symmetry; apply Hz; lia.
  - rewrite IH by lia; ring.
Qed.

Lemma score7_eq : forall H h j y, (h < H)%nat -> score7 H h j y = INR j * y h - INR j * INR j / 2.
Proof.
  intros H h j y Hh; unfold score7, score, slope7, bias7.
  rewrite dot_unit by exact Hh; field.
Qed.

(** The one-dimensional fact: for |y − t| < 1/2 and integers j ≠ t,
    j·y − j²/2 < t·y − t²/2. *)
Lemma unique_max_1d : forall (t j : nat) (y : R),
  Rabs (y - INR t) < 1 / 2 -> j <> t ->
  INR j * y - INR j * INR j / 2 < INR t * y - INR t * INR t / 2.
Proof.
  intros t j y Hy Hne.
  apply Rabs_def2 in Hy; destruct Hy as [Hy1 Hy2].
  destruct (Nat.lt_gt_cases j t) as [[Hlt|Hgt] _]; [exact Hne| |].
  - assert (INR j + 1 <= INR t) by (rewrite <- S_INR; apply le_INR; lia).
    assert (0 < (INR t - INR j) * (y - (INR t + INR j) / 2)) by (apply Rmult_lt_0_compat; lra).
    nra.
  - assert (INR t + 1 <= INR j) by (rewrite <- S_INR; apply le_INR; lia).
    assert (0 < (INR j - INR t) * ((INR t + INR j) / 2 - y)) by (apply Rmult_lt_0_compat; lra).
    nra.
Qed.

Lemma NoDup_app' : forall (A : Type) (l1 l2 : list A),
  NoDup l1 -> NoDup l2 -> (forall a, In a l1 -> ~ In a l2) -> NoDup (l1 ++ l2).
Proof.
  intros A l1 l2 H1 H2 Hdis; induction l1 as [|a l1 IH]; simpl; [exact H2|].
  inversion H1 as [|a' l1' Hna Hnd]; subst.
  constructor.
  - rewrite in_app_iff; intros [Hin|Hin]; [contradiction | apply (Hdis a); [now left | exact Hin]].
  - apply IH; [exact Hnd | intros b Hb; apply Hdis; now right].
Qed.

Lemma NoDup_map_cons : forall i (L : list (list nat)), NoDup L -> NoDup (map (cons i) L).
Proof.
  intros i L HL; induction HL as [|x L Hx HL IH]; simpl; constructor; [|exact IH].
  rewrite in_map_iff; intros [y [Hy Hin]]; injection Hy as ->; contradiction.
Qed.

Lemma tuples_NoDup : forall n, NoDup (tuples n).
Proof.
  induction n as [|m n IH]; simpl; [constructor; [intros [] | constructor]|].
  generalize (seq_NoDup m 0); generalize (seq 0 m) as l; intros l Hl.
  induction Hl as [|i l Hi Hl IHl]; simpl; [constructor|].
  apply NoDup_app'; [now apply NoDup_map_cons | exact IHl|].
  intros a Ha Hb; apply in_map_iff in Ha as [a1 [<- _]].
  apply in_flat_map in Hb as [i' [Hi' Hb]]; apply in_map_iff in Hb as [a2 [E _]].
  injection E as E _; subst; contradiction.
Qed.

Lemma tuples_bounded : forall n t, In t (tuples n) -> bounded n t.
Proof.
  induction n as [|m n IH]; intros t Ht; simpl in *.
  - destruct Ht as [<-|[]]; exact I.
  - apply in_flat_map in Ht as [i [Hi Ht]]; apply in_map_iff in Ht as [t' [<- Ht']].
    apply in_seq in Hi; split; [lia | now apply IH].
Qed.

Lemma bounded_repeat : forall N H t h, bounded (repeat N H) t -> (h < H)%nat ->
  (nth h t O < N)%nat.
Proof.
  intros N H; induction H as [|H IH]; intros t h Hb Hh; [lia|].
  destruct t as [|th t]; simpl in Hb; [contradiction|]; destruct Hb as [Hth Hb].
  destruct h as [|h]; simpl; [exact Hth | apply IH; [exact Hb | lia]].
Qed.

(** T7 (attainment): with N keys per head and H heads in R^H (head h: s^h_j(y) = j·y_h − j²/2),
    the list of all label tuples {0..N−1}^H is duplicate-free, has N^H elements, and each
    tuple t is realised on the nonempty open box {y : |y_h − t_h| < 1/2 ∀h}, where every
    head h has the unique maximiser t_h (j ≠ t_h ⇒ s^h_j(y) < s^h_{t_h}(y)). *)
Theorem T7_bias_construction_attains_N_pow_H : forall N H,
  let ts := tuples (repeat N H) in
  NoDup ts /\ length ts = (N ^ H)%nat /\
  forall t, In t ts ->
    length t = H /\ (forall h, (h < H)%nat -> (nth h t O < N)%nat) /\
    forall y : nat -> R, (forall h, (h < H)%nat -> Rabs (y h - INR (nth h t O)) < 1 / 2) ->
      forall h j, (h < H)%nat -> (j < N)%nat -> j <> nth h t O ->
        score7 H h j y < score7 H h (nth h t O) y.
Proof.
  intros N H ts; split; [apply tuples_NoDup|]; split.
  - unfold ts; rewrite tuples_length.
    clear ts; induction H as [|H IH]; simpl; [reflexivity|]; now rewrite IH.
  - intros t Ht; apply tuples_bounded in Ht.
    assert (Hlen : length t = H).
    { clear ts; revert t Ht; induction H as [|H IH]; intros [|th t] Hb; simpl in *;
        try contradiction; [reflexivity|]. destruct Hb; f_equal; now apply IH. }
    split; [exact Hlen|]; split; [intros h Hh; now apply (bounded_repeat N H)|].
    intros y Hy h j Hh Hj Hne.
    rewrite !score7_eq by exact Hh.
    now apply unique_max_1d; [apply Hy|].
Qed.

(** T7 (exact count): in this construction the realised label tuples number exactly N^H:
    at least N^H by [T7_bias_construction_attains_N_pow_H], at most N^H by the counting bound
    [T6_label_tuple_count_pow] applied to any labelling with labels < N. *)
Theorem T7_exact_count_N_pow_H : forall N H (X : Type) (label : X -> list nat),
  (forall x, bounded (repeat N H) (label x)) ->
  forall ts, NoDup ts -> (forall t, In t ts -> exists x, label x = t) ->
  (length ts <= N ^ H)%nat.
Proof.
  intros N H X label Hb ts Hnd Hreal.
  rewrite <- (repeat_length N H).
  eapply T6_label_tuple_count_pow; eauto.
  intros m Hm; apply repeat_spec in Hm; lia.
Qed.
