(** * T6 — refinement cells give upper vertices of the Minkowski sum (SPEC.md §3, claim T6)

    H heads, head h with n_h keys and scores s^h_i(x) = ⟨a^h_i, x⟩ + β^h_i on R^d.
    The tropical product ⊙_h f_h of the heads' max-affine functions has one monomial per label
    tuple u ∈ ∏_h {0..n_h−1}, with lifted point (Σ_h a^h_{u_h}, Σ_h β^h_{u_h}) — the lifted
    point set of the Minkowski sum Σ_h conv{(a^h_i, β^h_i)}.
    Proved here (one direction of T6): if x lies in a cell of the common refinement with label
    tuple t (every head h has the UNIQUE maximiser t_h at x), then
      (1) t's monomial is the unique maximiser of the product at x:
          Σ_h s^h_{u_h}(x) < Σ_h s^h_{t_h}(x) for every other tuple u, and
      (2) its lifted point (Σ_h a^h_{t_h}, Σ_h β^h_{t_h}) is an upper-hull vertex of the
          Minkowski sum's lifted points (no convex combination of the other tuples' points
          reaches it from above) — by T5 applied to the product.
    Distinct cells have distinct tuples, hence distinct such vertices. The converse (every
    upper vertex comes from a cell) needs LP duality and is checked by the property tests. *)

Require Import Reals Lra Lia List.
Require Import TropicalAttention.Softmax TropicalAttention.T4_PowerDiagram
  TropicalAttention.T6_Counting TropicalAttention.T5_SingleHead TropicalAttention.T7_Attainment.
Import ListNotations.
Open Scope R_scope.


(** Lifted point of the product monomial of tuple u: slope Σ_h a^h_{u_h}, height Σ_h β^h_{u_h}. *)
Definition prod_slope (H : nat) (a : nat -> nat -> nat -> R) (u : list nat) : nat -> R :=
  fun k => sumN H (fun h => a h (nth h u O) k).
Definition prod_bias (H : nat) (beta : nat -> nat -> R) (u : list nat) : R :=
  sumN H (fun h => beta h (nth h u O)).

Lemma prod_score : forall d H a beta u x,
  score d (fun _ => prod_slope H a u) (fun _ => prod_bias H beta u) O x
  = sumN H (fun h => score d (a h) (beta h) (nth h u O) x).
Proof.
  intros d H a beta u x; unfold score, prod_slope, prod_bias; cbv beta.
  rewrite (dot_ext_l d _ (fun k => sumN H (fun h => 1 * a h (nth h u O) k)))
    by (intros k _; apply sumN_ext; intros; ring).
  rewrite dot_sum_l, <- sumN_plus; apply sumN_ext; intros; cbv beta; rewrite Rmult_1_l; reflexivity.
Qed.

Lemma bounded_length : forall n u, bounded n u -> length u = length n.
Proof.
  induction n as [|m n IH]; intros [|i u] Hb; simpl in *; try contradiction; [reflexivity|].
  destruct Hb; f_equal; now apply IH.
Qed.

Lemma bounded_nth : forall n u h, bounded n u -> (h < length n)%nat ->
  (nth h u O < nth h n O)%nat.
Proof.
  induction n as [|m n IH]; intros [|i u] h Hb Hh; simpl in *; try contradiction; [lia|].
  destruct Hb as [Hi Hb]; destruct h as [|h]; [exact Hi | apply IH; [exact Hb | lia]].
Qed.

Lemma bounded_differ : forall n u t, bounded n u -> bounded n t -> u <> t ->
  exists h, (h < length n)%nat /\ nth h u O <> nth h t O.
Proof.
  induction n as [|m n IH]; intros [|i u] [|j t] Hu Ht Hne; simpl in *; try contradiction.
  destruct (Nat.eq_dec i j) as [->|Hij].
  - destruct (IH u t (proj2 Hu) (proj2 Ht)) as [h [Hh Hd]]; [congruence|].
    exists (S h); simpl; split; [lia | exact Hd].
  - exists O; simpl; split; [lia | exact Hij].
Qed.

(** T6 (1): if every head h < H has the unique maximiser t_h at x (t a label tuple), then the
    product monomial of t is the unique maximiser at x among all label tuples. *)
Theorem T6_refinement_cell_unique_product_monomial :
  forall d (n : list nat) (a : nat -> nat -> nat -> R) (beta : nat -> nat -> R) x t,
    let H := length n in
    bounded n t ->
    (forall h i, (h < H)%nat -> (i < nth h n O)%nat -> i <> nth h t O ->
       score d (a h) (beta h) i x < score d (a h) (beta h) (nth h t O) x) ->
    forall u, bounded n u -> u <> t ->
      sumN H (fun h => score d (a h) (beta h) (nth h u O) x)
      < sumN H (fun h => score d (a h) (beta h) (nth h t O) x).
Proof.
  intros d n a beta x t H Ht Huniq u Hu Hne.
  apply sumN_lt.
  - intros h Hh; destruct (Nat.eq_dec (nth h u O) (nth h t O)) as [E|E]; [rewrite E; lra|].
    left; apply Huniq; [exact Hh | apply bounded_nth; assumption | exact E].
  - destruct (bounded_differ n u t Hu Ht Hne) as [h [Hh E]]; exists h; split; [exact Hh|].
    apply Huniq; [exact Hh | apply bounded_nth; assumption | exact E].
Qed.

(** T6 (2): under the same hypothesis, t is the index j of a tuple in the list of all tuples,
    and the product's lifted point of t is an upper-hull vertex of the Minkowski sum's lifted
    points: no weights λ ≥ 0 on the tuples with λ_j = 0, Σ λ = 1,
    Σ_k λ_k Σ_h a^h_{(T_k)_h} = Σ_h a^h_{t_h} and Σ_k λ_k Σ_h β^h_{(T_k)_h} ≥ Σ_h β^h_{t_h}. *)
Theorem T6_refinement_cell_is_minkowski_upper_vertex :
  forall d (n : list nat) (a : nat -> nat -> nat -> R) (beta : nat -> nat -> R) x t,
    let H := length n in
    let T := tuples n in
    bounded n t ->
    (forall h i, (h < H)%nat -> (i < nth h n O)%nat -> i <> nth h t O ->
       score d (a h) (beta h) i x < score d (a h) (beta h) (nth h t O) x) ->
    exists j, (j < length T)%nat /\ nth j T [] = t /\
      ~ exists lam : nat -> R,
          (forall k, (k < length T)%nat -> 0 <= lam k) /\ lam j = 0
          /\ sumN (length T) lam = 1
          /\ (forall c, (c < d)%nat ->
                sumN (length T) (fun k => lam k * prod_slope H a (nth k T []) c)
                = prod_slope H a t c)
          /\ prod_bias H beta t <= sumN (length T) (fun k => lam k * prod_bias H beta (nth k T [])).
Proof.
  intros d n a beta x t H T Ht Huniq.
  destruct (In_nth T t [] (tuples_complete n t Ht)) as [j [Hj Hjt]].
  exists j; split; [exact Hj|]; split; [exact Hjt|].
  intros Hlam.
  apply (T5_nonempty_cell_is_upper_vertex d (length T)
           (fun k => prod_slope H a (nth k T [])) (fun k => prod_bias H beta (nth k T [])) j x Hj).
  - intros k Hk Hkj.
    assert (Hs : forall m, score d (fun k0 => prod_slope H a (nth k0 T []))
                   (fun k0 => prod_bias H beta (nth k0 T [])) m x
                 = sumN H (fun h => score d (a h) (beta h) (nth h (nth m T []) O) x)).
    { intros m; rewrite <- prod_score; reflexivity. }
    rewrite !Hs, Hjt.
    apply T6_refinement_cell_unique_product_monomial; [exact Ht | exact Huniq | |].
    + apply tuples_bounded, nth_In, Hk.
    + intros E; apply Hkj.
      apply (proj1 (NoDup_nth T []) (tuples_NoDup n)); [exact Hk | exact Hj | now rewrite E, Hjt].
  - rewrite Hjt; exact Hlam.
Qed.
