(** * T14 — Setting B is not polyhedral (SPEC.md §3, claim T14)

    Full self-attention, W_Q = W_K = I, score scale 1, in R^d: the varying token x is also a
    key, with self-score ⟨x, x⟩ = ‖x‖², and one fixed context key c ≠ 0 has score ⟨x, c⟩.
    The wall between the two cells (self-key vs. context key tied) is
      [W = {x : ‖x‖² = ⟨x, c⟩} = {x : ‖x − c/2‖² = ‖c‖²/4}],
    the sphere with centre c/2 and radius ‖c‖/2 (a non-degenerate quadric: it contains 0 and c).
    It contains no line segment: if p ≠ q lie in W then no point strictly between them does.
    A polyhedral (piecewise-linear) wall of positive dimension contains segments, so the cells
    of Setting B are not polyhedra. *)

Require Import Reals Lra Lia.
Require Import TropicalAttention.T4_PowerDiagram.
Open Scope R_scope.

Definition wall (d : nat) (c x : nat -> R) : Prop := nrm2 d x = dot d x c.

Definition comb (t : R) (p q : nat -> R) : nat -> R := fun i => (1 - t) * p i + t * q i.

Lemma dot_comm : forall d u v, dot d u v = dot d v u.
Proof. induction d as [|d IH]; intros u v; simpl; [reflexivity|]. rewrite IH; ring. Qed.

Lemma nrm2_comb : forall d t p q,
  nrm2 d (comb t p q) = (1 - t) * nrm2 d p + t * nrm2 d q - t * (1 - t) * nrm2 d (vsub p q).
Proof.
  intros d t p q; unfold nrm2, comb, vsub; induction d as [|d IH]; simpl; [ring|].
  rewrite IH; ring.
Qed.

Lemma dot_comb : forall d t p q c, dot d (comb t p q) c = (1 - t) * dot d p c + t * dot d q c.
Proof.
  intros d t p q c; unfold comb; induction d as [|d IH]; simpl; [ring|]. rewrite IH; ring.
Qed.

Lemma nrm2_nonneg : forall d u, 0 <= nrm2 d u.
Proof.
  intros d u; unfold nrm2; induction d as [|d IH]; simpl; [lra|].
  pose proof (Rle_0_sqr (u d)); unfold Rsqr in *; lra.
Qed.

(** nrm2 d u = 0 forces u_i = 0 for every coordinate i < d. *)
Lemma nrm2_zero : forall d u, nrm2 d u = 0 -> forall i, (i < d)%nat -> u i = 0.
Proof.
  intros d u; unfold nrm2; induction d as [|d IH]; intros H i Hi; [inversion Hi|].
  simpl in H; pose proof (nrm2_nonneg d u) as Hn; unfold nrm2 in Hn.
  pose proof (Rle_0_sqr (u d)) as Hs; unfold Rsqr in Hs.
  assert (Hd : u d * u d = 0) by lra.
  assert (Hr : dot d u u = 0) by lra.
  destruct (Nat.eq_dec i d) as [->|Hne].
  - destruct (Rmult_integral _ _ Hd); assumption.
  - apply IH; [exact Hr | lia].
Qed.

(** T14: the Setting-B wall W = {x ∈ R^d : ‖x‖² = ⟨x, c⟩} is the sphere ‖x − c/2‖² = ‖c‖²/4,
    contains 0 and c, and contains no segment: for p, q ∈ W and 0 < t < 1, if
    (1−t)p + tq ∈ W then p = q (coordinatewise, i < d). *)
Theorem T14_setting_b_wall_is_a_sphere_without_segments : forall d (c : nat -> R),
  (forall x, wall d c x <-> nrm2 d (vsub x (vscale (/ 2) c)) = nrm2 d c / 4)
  /\ wall d c (fun _ => 0) /\ wall d c c
  /\ (forall p q t, wall d c p -> wall d c q -> 0 < t < 1 -> wall d c (comb t p q) ->
        forall i, (i < d)%nat -> p i = q i).
Proof.
  intros d c; split; [|split; [|split]].
  - intros x; unfold wall; rewrite expand_sq, dot_scale_l.
    assert (Hc : nrm2 d (vscale (/ 2) c) = nrm2 d c / 4).
    { unfold nrm2, vscale; clear x; induction d as [|d IH]; simpl; [field|].
      rewrite IH; field. }
    rewrite Hc, (dot_comm d c x); split; intro H; lra.
  - unfold wall, nrm2; induction d as [|d IH]; simpl; [reflexivity|]. rewrite IH; ring.
  - unfold wall; reflexivity.
  - intros p q t Hp Hq Ht Hm i Hi; unfold wall in *.
    rewrite nrm2_comb, dot_comb in Hm.
    rewrite Hp, Hq in Hm.
    assert (Hz : t * (1 - t) * nrm2 d (vsub p q) = 0) by lra.
    assert (Htt : 0 < t * (1 - t)) by (apply Rmult_lt_0_compat; lra).
    assert (H0 : nrm2 d (vsub p q) = 0).
    { destruct (Rmult_integral _ _ Hz) as [E|E]; [lra | exact E]. }
    pose proof (nrm2_zero d (vsub p q) H0 i Hi) as E; unfold vsub in E; lra.
Qed.
