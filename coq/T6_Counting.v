(** * T6 — the counting bound for multi-head label tuples (SPEC.md §3, claim T6)

    With H heads, head h having n_h keys, every point x gets a label tuple
    (ℓ_1(x), …, ℓ_H(x)) with ℓ_h(x) ∈ {0, …, n_h − 1} (e.g. the argmax key of head h).
    The set of realised label tuples — the image of x ↦ ℓ(x), over ANY domain X, finite or
    not — has at most Π_h n_h elements; if every n_h ≤ N this is at most N^H.
    "At most M elements" is stated as: every duplicate-free list of realised tuples has
    length ≤ M. *)

Require Import List Lia PeanoNat.
Import ListNotations.

(** [bounded n t]: t has the same length H as n and t_h < n_h for every h. *)
Fixpoint bounded (n : list nat) (t : list nat) : Prop :=
  match n, t with
  | nil, nil => True
  | m :: n', i :: t' => i < m /\ bounded n' t'
  | _, _ => False
  end.

Definition prod_list (n : list nat) : nat := fold_right Nat.mul 1 n.

(** All tuples of the product {0..n_1−1} × … × {0..n_H−1}. *)
Fixpoint tuples (n : list nat) : list (list nat) :=
  match n with
  | nil => [nil]
  | m :: n' => flat_map (fun i => map (cons i) (tuples n')) (seq 0 m)
  end.

Lemma flat_map_cons_length : forall (l : list nat) (L : list (list nat)),
  length (flat_map (fun i => map (cons i) L) l) = length l * length L.
Proof.
  intros l L; induction l as [|i l IH]; simpl; [reflexivity|].
  rewrite app_length, map_length, IH; reflexivity.
Qed.

Lemma tuples_length : forall n, length (tuples n) = prod_list n.
Proof.
  induction n as [|m n IH]; simpl; [reflexivity|].
  rewrite flat_map_cons_length, seq_length, IH; reflexivity.
Qed.

Lemma tuples_complete : forall n t, bounded n t -> In t (tuples n).
Proof.
  induction n as [|m n IH]; intros [|i t] Hb; simpl in *; try contradiction.
  - now left.
  - destruct Hb as [Hi Hb].
    apply in_flat_map; exists i; split.
    + apply in_seq; lia.
    + apply in_map, IH, Hb.
Qed.

(** T6 (counting bound): for any domain X and any labelling ℓ : X → N^H with
    ℓ_h(x) < n_h for all x and h, the set {ℓ(x) : x ∈ X} of realised label tuples has at
    most Π_h n_h elements (every duplicate-free list of realised tuples has length ≤ Π_h n_h). *)
Theorem T6_label_tuple_count :
  forall (X : Type) (label : X -> list nat) (n : list nat),
    (forall x, bounded n (label x)) ->
    forall ts : list (list nat),
      NoDup ts -> (forall t, In t ts -> exists x, label x = t) ->
      length ts <= prod_list n.
Proof.
  intros X label n Hb ts Hnd Hreal.
  rewrite <- tuples_length.
  apply NoDup_incl_length; [exact Hnd|].
  intros t Ht; destruct (Hreal t Ht) as [x <-]; apply tuples_complete, Hb.
Qed.

Lemma prod_list_le_pow : forall n N, (forall m, In m n -> m <= N) -> prod_list n <= N ^ length n.
Proof.
  induction n as [|m n IH]; intros N Hle; simpl; [lia|].
  apply Nat.mul_le_mono; [apply Hle; now left | apply IH; intros k Hk; apply Hle; now right].
Qed.

(** T6 (corollary): if each of the H heads has at most N keys, at most N^H label tuples
    are realised. *)
Theorem T6_label_tuple_count_pow :
  forall (X : Type) (label : X -> list nat) (n : list nat) (N : nat),
    (forall x, bounded n (label x)) -> (forall m, In m n -> m <= N) ->
    forall ts : list (list nat),
      NoDup ts -> (forall t, In t ts -> exists x, label x = t) ->
      length ts <= N ^ length n.
Proof.
  intros X label n N Hb HN ts Hnd Hreal.
  eapply Nat.le_trans; [eapply T6_label_tuple_count; eauto | now apply prod_list_le_pow].
Qed.
