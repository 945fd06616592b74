(** * T16 — top-k routing regions are the linear regions of the tropical e_k
      (SPEC.md §3, claim T16)

    Scores s_0, …, s_{N−1} (e.g. s_j = s_j(x) at a query x), and a set S ⊆ {0..N−1} given by
    its indicator [S : nat -> bool]. The tropical elementary symmetric polynomial is
    e_k(s) = max_{|T| = k} Σ_{j∈T} s_j, one piece per k-subset T. We prove

      (a) if S's piece is the unique maximum of e_k among the sets of S's size, then S is a
          strict top set: every kept score is larger than every dropped score
          ([T16_unique_ek_argmax_is_top_set]);
      (b) conversely, a strict top set's piece is the unique maximum of e_k among the sets of
          its size ([T16_top_set_is_unique_ek_argmax]);
      (c) hence the two coincide ([T16_top_set_iff_unique_ek_argmax]): at every query the top-k
          set is S exactly when S's piece of e_k is the unique maximum, so the regions of
          constant top-k set are the cells (linear regions) of e_k.

    Sets of the same size are compared through their indicator sums; two sets are the same
    when their indicators agree on {0..N−1}. *)

Require Import Reals Lra Lia.
Require Import TropicalAttention.Softmax.
Open Scope R_scope.

(** The indicator of S as a real, the piece Σ_{j∈S} s_j of e_k, and |S|. *)
Definition ind (S : nat -> bool) (j : nat) : R := if S j then 1 else 0.
Definition ssum (N : nat) (S : nat -> bool) (s : nat -> R) : R :=
  sumN N (fun j => ind S j * s j).
Definition card (N : nat) (S : nat -> bool) : R := sumN N (ind S).
Definition same_on (N : nat) (S T : nat -> bool) : Prop :=
  forall j, (j < N)%nat -> S j = T j.

(** S is a strict top set of s: every kept score exceeds every dropped score. *)
Definition top_set (N : nat) (S : nat -> bool) (s : nat -> R) : Prop :=
  forall i j, (i < N)%nat -> (j < N)%nat -> S j = true -> S i = false -> s i < s j.

(** S's piece is the unique maximum of e_k over the sets of S's size. *)
Definition unique_ek_argmax (N : nat) (S : nat -> bool) (s : nat -> R) : Prop :=
  forall T, card N T = card N S -> ~ same_on N S T -> ssum N T s < ssum N S s.

(** Two functions that agree off two distinct indices have sums that differ by those terms. *)
Lemma sumN_two : forall N f g i j, (i < N)%nat -> (j < N)%nat -> i <> j ->
  (forall x, x <> i -> x <> j -> f x = g x) ->
  sumN N g - g i - g j = sumN N f - f i - f j.
Proof.
  intros N f g i j Hi Hj Hij Hfg.
  rewrite (sumN_split N f i Hi), (sumN_split N g i Hi).
  rewrite (sumN_split N (drop i f) j Hj), (sumN_split N (drop i g) j Hj).
  assert (Ef : drop i f j = f j) by (unfold drop; destruct (Nat.eq_dec j i); [lia|reflexivity]).
  assert (Eg : drop i g j = g j) by (unfold drop; destruct (Nat.eq_dec j i); [lia|reflexivity]).
  assert (E : sumN N (drop j (drop i g)) = sumN N (drop j (drop i f))).
  { apply sumN_ext; intros x _; unfold drop.
    destruct (Nat.eq_dec x j); [reflexivity|].
    destruct (Nat.eq_dec x i); [reflexivity|].
    symmetry; apply Hfg; assumption. }
  rewrite Ef, Eg, E; ring.
Qed.

(** A boolean property on {0..N−1} holds somewhere or fails everywhere. *)
Lemma finite_decide : forall (P : nat -> bool) N,
  (exists y, (y < N)%nat /\ P y = true) \/ (forall y, (y < N)%nat -> P y = false).
Proof.
  intros P N; induction N as [|k [[y [Hy Py]]|H]].
  - right; intros; lia.
  - left; exists y; split; [lia|exact Py].
  - destruct (P k) eqn:Pk.
    + left; exists k; split; [lia|exact Pk].
    + right; intros y Hy; destruct (Nat.eq_dec y k) as [->|]; [exact Pk|apply H; lia].
Qed.

(** (a) A unique maximising piece of e_k is a strict top set. *)
Theorem T16_unique_ek_argmax_is_top_set : forall N S s,
  unique_ek_argmax N S s -> top_set N S s.
Proof.
  intros N S s H i j Hi Hj Sj Si.
  assert (Hij : i <> j) by (intros ->; congruence).
  (* T = S with j swapped out and i swapped in. *)
  set (T := fun x => if Nat.eq_dec x i then true else if Nat.eq_dec x j then false else S x).
  assert (Toff : forall x, x <> i -> x <> j -> T x = S x).
  { intros x Hxi Hxj; unfold T; destruct (Nat.eq_dec x i); [congruence|].
    destruct (Nat.eq_dec x j); [congruence|reflexivity]. }
  assert (Ti : T i = true) by (unfold T; destruct (Nat.eq_dec i i); congruence).
  assert (Tj : T j = false).
  { unfold T; destruct (Nat.eq_dec j i); [congruence|].
    destruct (Nat.eq_dec j j); congruence. }
  assert (Hcard : card N T = card N S).
  { unfold card.
    assert (Hoff : forall x, x <> i -> x <> j -> ind S x = ind T x)
      by (intros x a b; unfold ind; rewrite (Toff x a b); reflexivity).
    pose proof (sumN_two N (ind S) (ind T) i j Hi Hj Hij Hoff) as E.
    unfold ind in E at 2 3 5 6; rewrite Ti, Tj, Si, Sj in E; lra. }
  assert (Hne : ~ same_on N S T).
  { intros E; specialize (E i Hi); congruence. }
  pose proof (H T Hcard Hne) as Hlt.
  unfold ssum in Hlt.
  assert (Hoff : forall x, x <> i -> x <> j -> ind S x * s x = ind T x * s x)
    by (intros x a b; unfold ind; rewrite (Toff x a b); reflexivity).
  pose proof (sumN_two N _ _ i j Hi Hj Hij Hoff) as E; simpl in E.
  unfold ind in E at 2 3 5 6; rewrite Ti, Tj, Si, Sj in E; lra.
Qed.

(** The smallest kept score, or [d] when nothing is kept. *)
Fixpoint kmin (N : nat) (S : nat -> bool) (s : nat -> R) (d : R) : R :=
  match N with
  | O => d
  | Datatypes.S k => if S k then Rmin (kmin k S s d) (s k) else kmin k S s d
  end.

Lemma kmin_le : forall N S s d j, (j < N)%nat -> S j = true -> kmin N S s d <= s j.
Proof.
  induction N as [|k IH]; intros S s d j Hj Sj; [lia|]; simpl.
  destruct (Nat.eq_dec j k) as [->|Hne].
  - rewrite Sj; apply Rmin_r.
  - destruct (S k).
    + eapply Rle_trans; [apply Rmin_l|apply IH; [lia|exact Sj]].
    + apply IH; [lia|exact Sj].
Qed.

Lemma kmin_cases : forall N S s d,
  kmin N S s d = d \/ exists x, (x < N)%nat /\ S x = true /\ kmin N S s d = s x.
Proof.
  induction N as [|k IH]; intros S s d; simpl; [left; reflexivity|].
  destruct (S k) eqn:Sk.
  - unfold Rmin; destruct (Rle_dec (kmin k S s d) (s k)).
    + destruct (IH S s d) as [E|[x [Hx [Sx E]]]]; [left; exact E|].
      right; exists x; split; [lia|split; [exact Sx|exact E]].
    + right; exists k; split; [lia|split; [exact Sk|reflexivity]].
  - destruct (IH S s d) as [E|[x [Hx [Sx E]]]]; [left; exact E|].
    right; exists x; split; [lia|split; [exact Sx|exact E]].
Qed.

(** (b) A strict top set's piece is the unique maximum of e_k among sets of its size. *)
Theorem T16_top_set_is_unique_ek_argmax : forall N S s,
  top_set N S s -> unique_ek_argmax N S s.
Proof.
  intros N S s Htop T Hcard Hne.
  set (d := 1 + sumN N (fun x => Rabs (s x))).
  set (th := kmin N S s d).
  assert (Hbelow : forall i, (i < N)%nat -> S i = false -> s i < th).
  { intros i Hi Si; unfold th; destruct (kmin_cases N S s d) as [E|[x [Hx [Sx E]]]]; rewrite E.
    - unfold d; pose proof (Rle_abs (s i)).
      pose proof (sumN_ge_term N (fun x => Rabs (s x)) i (fun x _ => Rabs_pos (s x)) Hi); lra.
    - apply Htop; assumption. }
  assert (Habove : forall j, (j < N)%nat -> S j = true -> th <= s j).
  { intros j Hj Sj; apply kmin_le; assumption. }
  (* Σ_x (1_S − 1_T)(x)·(s_x − θ) = ssum S − ssum T, each term ≥ 0. *)
  set (term := fun x => (ind S x - ind T x) * (s x - th)).
  assert (Hterm : forall x, (x < N)%nat -> 0 <= term x).
  { intros x Hx; unfold term, ind.
    destruct (S x) eqn:Sx, (T x); [lra| | |lra].
    - pose proof (Habove x Hx Sx); lra.
    - pose proof (Hbelow x Hx Sx); lra. }
  assert (Hsum : sumN N term = ssum N S s - ssum N T s).
  { unfold term, ssum.
    rewrite (sumN_ext N _ (fun x => ind S x * s x + (- (ind T x * s x)
                                   + (- th) * (ind S x - ind T x)))) by (intros; ring).
    rewrite !sumN_plus, sumN_scal.
    rewrite (sumN_ext N (fun x => ind S x - ind T x) (fun x => ind S x + (-1) * ind T x))
      by (intros; ring).
    rewrite sumN_plus, sumN_scal.
    rewrite (sumN_ext N (fun x => - (ind T x * s x)) (fun x => (-1) * (ind T x * s x)))
      by (intros; ring).
    rewrite sumN_scal.
    unfold card in Hcard; rewrite Hcard; ring. }
  destruct (finite_decide (fun y => andb (negb (S y)) (T y)) N) as [[y [Hy Py]]|Hnone].
  - (* some y ∈ T \ S: its term is > 0 *)
    apply Bool.andb_true_iff in Py; destruct Py as [Sy Ty]; apply Bool.negb_true_iff in Sy.
    assert (0 < term y).
    { unfold term, ind; rewrite Sy, Ty; pose proof (Hbelow y Hy Sy); lra. }
    pose proof (sumN_ge_term N term y Hterm Hy); lra.
  - (* T ⊆ S and T ≠ S: then |S| > |T|, contradicting the equal sizes *)
    exfalso.
    destruct (finite_decide (fun y => negb (Bool.eqb (S y) (T y))) N) as [[x [Hx Px]]|Hall].
    + assert (Hnn : forall y, (y < N)%nat -> 0 <= ind S y - ind T y).
      { intros y Hy'; specialize (Hnone y Hy'); unfold ind.
        destruct (S y), (T y); simpl in Hnone; try lra; discriminate. }
      assert (Hx1 : ind S x - ind T x = 1).
      { specialize (Hnone x Hx); unfold ind.
        destruct (S x), (T x); simpl in Px, Hnone; try discriminate; lra. }
      pose proof (sumN_ge_term N (fun y => ind S y - ind T y) x Hnn Hx).
      rewrite (sumN_ext N (fun y => ind S y - ind T y) (fun y => ind S y + (-1) * ind T y))
        in H by (intros; ring).
      rewrite sumN_plus, sumN_scal in H.
      unfold card in Hcard; rewrite Hcard in H; simpl in H; lra.
    + apply Hne; intros y Hy; specialize (Hall y Hy).
      destruct (S y), (T y); simpl in Hall; congruence.
Qed.

(** (c) The top-k set is S exactly where S's piece of e_k is the unique maximum. *)
Theorem T16_top_set_iff_unique_ek_argmax : forall N S s,
  top_set N S s <-> unique_ek_argmax N S s.
Proof.
  intros N S s; split;
    [apply T16_top_set_is_unique_ek_argmax|apply T16_unique_ek_argmax_is_top_set].
Qed.
