(** * T15 — decomposition of the common refinement under surjective stacked query maps
      (SPEC.md §3, claim T15)

    Head h reads the query x ∈ R^d only through y_h = P_h x + p_h ∈ R^{d_h}; its cells live in
    its own query space R^{d_h}. If the stacked map x ↦ (P_1 x + p_1, …, P_H x + p_H) is
    surjective, then
      (a) the cell of the common refinement with label tuple t is the preimage of the product
          of the heads' cells, and it is non-empty iff every head's cell t_h is non-empty
          ([T15_blocks_decouple]); so the cells of the refinement are exactly the products of
          the heads' cells;
      (b) consequently the realised label tuples are exactly the product list of the heads'
          realised labels, duplicate-free, of length Π_h n_h ([T15_count_is_product]);
      (c) both for affine heads s^h_j(y) = ⟨k^h_j, y⟩ + c^h_j, whose cells are the open sets
          {y : s^h_i(y) < s^h_j(y) for all i ≠ j} ([T15_cells_are_products]).

    The statements are about abstract blocks: a block has a map φ : R^d → R^{dim} and a cell
    predicate on its own space, depending only on the first [dim] coordinates. A block may be a
    single head or a group of heads (φ the group's stacked map, the cell predicate the
    conjunction over the group): when the row spaces of the groups form a direct sum, the
    stacked map of the groups is surjective onto the product of their images and (a), (b)
    apply to the groups — the direct-sum generalisation. Labels have an arbitrary type [L]
    (key indices, or tuples of them for groups). Vectors are coordinate functions [nat -> R]. *)

Require Import Reals Lra Lia List.
Require Import TropicalAttention.Softmax.
Import ListNotations.
Open Scope R_scope.

Record block (L : Type) := mkBlock {
  dim : nat;
  phi : (nat -> R) -> (nat -> R);
  cell : L -> (nat -> R) -> Prop
}.
Arguments dim {L} _.
Arguments phi {L} _ _ _.
Arguments cell {L} _ _ _.

(** The cell predicate reads only the block's own [dim] coordinates. *)
Definition extensional {L} (b : block L) : Prop :=
  forall j y y', (forall r, (r < dim b)%nat -> y r = y' r) -> cell b j y -> cell b j y'.

(** The stacked map x ↦ (φ_1 x, …, φ_H x) is onto Π_h R^{dim h}. *)
Definition stacked_surjective {L} (bs : list (block L)) : Prop :=
  forall ys : list (nat -> R), length ys = length bs ->
    exists x, Forall2 (fun b y => forall r, (r < dim b)%nat -> phi b x r = y r) bs ys.

(** x lies in the refinement cell with label tuple t: every block's cell t_h contains φ_h x. *)
Definition refined_cell {L} (bs : list (block L)) (t : list L) (x : nat -> R) : Prop :=
  Forall2 (fun b j => cell b j (phi b x)) bs t.

Definition head_realised {L} (b : block L) (j : L) : Prop := exists y, cell b j y.

Lemma forall2_len : forall {A B} (P : A -> B -> Prop) l l', Forall2 P l l' -> length l' = length l.
Proof. intros A B P l l' H; induction H; simpl; congruence. Qed.

Lemma forall2_choose : forall {L} (bs : list (block L)) t,
  Forall2 (fun b j => exists y, cell b j y) bs t ->
  exists ys, length ys = length bs /\ Forall2 (fun b jy => cell b (fst jy) (snd jy)) bs (combine t ys).
Proof.
  intros L bs t H; induction H as [|b j bs t [y Hy] _ [ys [Hlen Hys]]].
  - exists []; split; [reflexivity | constructor].
  - exists (y :: ys); split; [simpl; now rewrite Hlen|]; simpl; constructor; assumption.
Qed.

(** T15 (a): if the stacked map is surjective (and cells read only their own coordinates),
    the refinement cell t is non-empty iff each block's cell t_h is non-empty. *)
Theorem T15_blocks_decouple : forall {L} (bs : list (block L)) (t : list L),
  Forall extensional bs -> stacked_surjective bs ->
  (exists x, refined_cell bs t x) <-> Forall2 (fun b j => head_realised b j) bs t.
Proof.
  intros L bs t Hext Hsurj; split.
  - intros [x Hx]; unfold refined_cell in Hx; clear Hext Hsurj.
    induction Hx as [|b j bs t Hc _ IH]; [constructor|].
    constructor; [now exists (phi b x) | exact IH].
  - intros Hr; pose proof (forall2_len _ _ _ Hr) as Htl.
    destruct (forall2_choose bs t Hr) as [ys [Hlen Hys]].
    destruct (Hsurj ys Hlen) as [x Hx]; exists x; unfold refined_cell.
    clear Hsurj Hr.
    revert t ys Htl Hlen Hys Hx; induction bs as [|b bs IH]; intros t ys Htl Hlen Hys Hx.
    + destruct t as [|j t]; [constructor | simpl in Htl; discriminate].
    + destruct ys as [|y ys]; [discriminate|]; inversion Hx; subst.
      destruct t as [|j t]; [inversion Hys|]; simpl in Hys.
      inversion Hys as [|b0 jy0 bs0 l0 Hcell Hrest]; subst.
      inversion Hext as [|b1 bs1 Heb Hebs]; subst.
      constructor.
      * apply (Heb j y (phi b x)); [intros r Hr; symmetry; now apply H2 | exact Hcell].
      * apply (IH Hebs t ys); [simpl in Htl; lia | simpl in Hlen; lia | assumption | assumption].
Qed.

(** The product of label lists: all tuples (j_1, …, j_H) with j_h ∈ R_h. *)
Fixpoint product {L} (Rs : list (list L)) : list (list L) :=
  match Rs with
  | [] => [[]]
  | R :: Rs' => flat_map (fun j => map (cons j) (product Rs')) R
  end.

Lemma product_length : forall {L} (Rs : list (list L)),
  length (product Rs) = fold_right Nat.mul 1%nat (map (@length L) Rs).
Proof.
  intros L Rs; induction Rs as [|R Rs IH]; simpl; [reflexivity|].
  induction R as [|j R IHR]; simpl; [reflexivity|].
  rewrite app_length, map_length, IHR, IH; reflexivity.
Qed.

Lemma product_in : forall {L} (Rs : list (list L)) t,
  In t (product Rs) <-> Forall2 (fun R j => In j R) Rs t.
Proof.
  intros L Rs; induction Rs as [|R Rs IH]; intros t; simpl.
  - split; [intros [<-|[]]; constructor | intros H; inversion H; now left].
  - rewrite in_flat_map; split.
    + intros [j [Hj Ht]]; apply in_map_iff in Ht; destruct Ht as [t' [<- Ht']].
      constructor; [exact Hj | now apply IH].
    + intros H; inversion H as [|R0 j Rs0 t' Hj Ht']; subst; exists j; split; [exact Hj|].
      apply in_map, IH; exact Ht'.
Qed.

Lemma nodup_app : forall {A} (l1 l2 : list A),
  NoDup l1 -> NoDup l2 -> (forall a, In a l1 -> ~ In a l2) -> NoDup (l1 ++ l2).
Proof.
  intros A l1 l2 H1; induction H1 as [|a l1 Ha H1 IH]; intros H2 Hdis; simpl; [exact H2|].
  constructor.
  - rewrite in_app_iff; intros [Hin|Hin]; [contradiction | apply (Hdis a); [now left | exact Hin]].
  - apply IH; [exact H2 | intros b Hb; apply Hdis; now right].
Qed.

Lemma nodup_map_cons : forall {A} (j : A) (l : list (list A)), NoDup l -> NoDup (map (cons j) l).
Proof.
  intros A j l H; induction H as [|t l Ht H IH]; simpl; constructor; [|exact IH].
  intros Hin; apply in_map_iff in Hin; destruct Hin as [t' [E Ht']]; injection E as ->; contradiction.
Qed.

Lemma product_nodup : forall {L} (Rs : list (list L)),
  Forall (@NoDup L) Rs -> NoDup (product Rs).
Proof.
  intros L Rs H; induction H as [|R Rs HR _ IH]; simpl; [constructor; [intros []|constructor]|].
  induction HR as [|j R Hj HR IHR]; simpl; [constructor|].
  apply nodup_app.
  - apply nodup_map_cons, IH.
  - exact IHR.
  - intros t Ht1 Ht2; apply in_map_iff in Ht1; destruct Ht1 as [t1 [<- _]].
    apply in_flat_map in Ht2; destruct Ht2 as [j' [Hj' Ht2]].
    apply in_map_iff in Ht2; destruct Ht2 as [t2 [E _]]; injection E as -> _; contradiction.
Qed.

(** T15 (b): with each block's realised labels listed without repetition in R_h, the
    realised label tuples of the refinement are exactly [product Rs]: a duplicate-free list
    of length Π_h |R_h|, so the number of cells is the product of the heads' counts. *)
Theorem T15_count_is_product : forall {L} (bs : list (block L)) (Rs : list (list L)),
  Forall extensional bs -> stacked_surjective bs ->
  Forall2 (fun b R => NoDup R /\ forall j, In j R <-> head_realised b j) bs Rs ->
  NoDup (product Rs)
  /\ length (product Rs) = fold_right Nat.mul 1%nat (map (@length L) Rs)
  /\ forall t, In t (product Rs) <-> exists x, refined_cell bs t x.
Proof.
  intros L bs Rs Hext Hsurj HR; split; [|split; [apply product_length|]].
  - apply product_nodup; clear Hsurj; induction HR as [|b R bs Rs [HnR _] _ IH]; [constructor|].
    constructor; [exact HnR | apply IH; now inversion Hext].
  - intros t; rewrite product_in, (T15_blocks_decouple bs t Hext Hsurj).
    clear Hsurj; revert Rs t HR; induction Hext as [|b bs _ _ IH]; intros Rs t HR;
      inversion HR; subst.
    + split; intros H; inversion H; constructor.
    + destruct H1 as [_ Hiff]; split; intros H; inversion H; subst; constructor.
      * now apply Hiff.
      * now apply (IH l').
      * now apply Hiff.
      * now apply (IH l').
Qed.

(** Affine heads: head h reads y = P x + p (P a dim×d matrix as a function of two indices),
    with n keys k_0..k_{n−1} ∈ R^{dim} and biases c_j; cell j is the open set where key j
    strictly beats every other key. *)
Definition affine_map (d : nat) (P : nat -> nat -> R) (p : nat -> R) (x : nat -> R) : nat -> R :=
  fun r => sumN d (fun c => P r c * x c) + p r.

Definition head_score (dk : nat) (k : nat -> nat -> R) (c : nat -> R) (j : nat) (y : nat -> R) : R :=
  sumN dk (fun r => k j r * y r) + c j.

Definition affine_cell (dk n : nat) (k : nat -> nat -> R) (c : nat -> R) (j : nat) (y : nat -> R) : Prop :=
  (j < n)%nat /\ forall i, (i < n)%nat -> i <> j -> head_score dk k c i y < head_score dk k c j y.

Definition affine_head (d dk n : nat) (P : nat -> nat -> R) (p : nat -> R)
    (k : nat -> nat -> R) (c : nat -> R) : block nat :=
  mkBlock nat dk (affine_map d P p) (affine_cell dk n k c).

Lemma affine_head_extensional : forall d dk n P p k c, extensional (affine_head d dk n P p k c).
Proof.
  intros d dk n P p k c j y y' Hy [Hj Hlt]; split; [exact Hj|].
  intros i Hi Hij; unfold head_score.
  rewrite (sumN_ext dk (fun r => k i r * y' r) (fun r => k i r * y r))
    by (intros r Hr; simpl in Hy; now rewrite Hy).
  rewrite (sumN_ext dk (fun r => k j r * y' r) (fun r => k j r * y r))
    by (intros r Hr; simpl in Hy; now rewrite Hy).
  now apply Hlt.
Qed.

(** T15 (c): for affine heads with a surjective stacked map x ↦ (P_h x + p_h)_h, the
    refinement cell t is non-empty iff each head's own cell t_h (in its own query space) is,
    and the realised tuples are exactly the product of the heads' realised labels, so their
    number is Π_h n_h. *)
Theorem T15_cells_are_products : forall (heads : list (block nat)) (Rs : list (list nat)),
  Forall (fun b => exists d dk n P p k c, b = affine_head d dk n P p k c) heads ->
  stacked_surjective heads ->
  Forall2 (fun b R => NoDup R /\ forall j, In j R <-> head_realised b j) heads Rs ->
  (forall t, (exists x, refined_cell heads t x) <-> Forall2 head_realised heads t)
  /\ NoDup (product Rs)
  /\ length (product Rs) = fold_right Nat.mul 1%nat (map (@length nat) Rs)
  /\ forall t, In t (product Rs) <-> exists x, refined_cell heads t x.
Proof.
  intros heads Rs Haff Hsurj HR.
  assert (Hext : Forall extensional heads).
  { clear Hsurj HR; induction Haff as [|b bs [d [dk [n [P [p [k [c ->]]]]]]] _ IH];
      [constructor|].
    constructor; [apply affine_head_extensional | exact IH]. }
  split; [intros t; now apply T15_blocks_decouple|].
  now apply T15_count_is_product.
Qed.
