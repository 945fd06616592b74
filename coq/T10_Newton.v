(** * T10 — tropical polynomial calculus (SPEC.md §3, claim T10, algebraic part)

    A tropical polynomial in d variables is a finite list of monomials (e, c), e ∈ R^d the
    exponent, c ∈ R the coefficient, evaluated in the max-plus semiring of T1:
      [f(x) = ⊕_{(e,c) ∈ f} c ⊙ x^e = max_{(e,c)} (⟨e, x⟩ + c)]  (−∞ for the empty polynomial).
    With f ⊕ g the union of the monomial lists and f ⊙ g the list of pairwise products
    (e₁ + e₂, c₁ + c₂):
      (1) (f ⊕ g)(x) = f(x) ⊕ g(x) and (f ⊙ g)(x) = f(x) ⊙ g(x) for every x;
      (2) the lifted points {(e, c)} of f ⊙ g are exactly the sums of a lifted point of f and
          one of g (so the lifted Newton polytope of f ⊙ g is the Minkowski sum of those of f
          and g, since conv(A + B) = conv A + conv B), and those of f ⊕ g are the union (its
          lifted Newton polytope is conv of the union). *)

Require Import Reals Lra List.
Require Import TropicalAttention.T1_Semiring TropicalAttention.T4_PowerDiagram.
Import ListNotations.
Open Scope R_scope.

Definition monomial : Type := ((nat -> R) * R)%type.
Definition tpoly : Type := list monomial.

Definition mono_val (d : nat) (m : monomial) (x : nat -> R) : R := dot d (fst m) x + snd m.

Definition teval (d : nat) (f : tpoly) (x : nat -> R) : maxplus :=
  fold_right (fun m acc => mp_add (Fin (mono_val d m x)) acc) NegInf f.

Definition tplus (f g : tpoly) : tpoly := f ++ g.

Definition mono_mul (m1 m2 : monomial) : monomial :=
  (fun i => fst m1 i + fst m2 i, snd m1 + snd m2).

Definition ttimes (f g : tpoly) : tpoly := flat_map (fun m1 => map (mono_mul m1) g) f.

Lemma dot_plus_l : forall d (u v x : nat -> R),
  dot d (fun i => u i + v i) x = dot d u x + dot d v x.
Proof. induction d as [|d IH]; intros; simpl; [ring|]. rewrite IH; ring. Qed.

Lemma teval_cons : forall d m f x,
  teval d (m :: f) x = mp_add (Fin (mono_val d m x)) (teval d f x).
Proof. reflexivity. Qed.

Lemma teval_app : forall d f g x, teval d (f ++ g) x = mp_add (teval d f x) (teval d g x).
Proof.
  intros d f g x; induction f as [|m f IH]; [reflexivity|].
  rewrite <- app_comm_cons, !teval_cons, IH; destruct T1_maxplus_semiring as [[_ _ Hassoc _ _ _ _ _] _]; apply Hassoc.
Qed.

Lemma teval_map_mul : forall d m g x,
  teval d (map (mono_mul m) g) x = mp_mul (Fin (mono_val d m x)) (teval d g x).
Proof.
  intros d m g x; induction g as [|m2 g IH]; [reflexivity|].
  cbn [map]; rewrite !teval_cons, IH, mp_distr_r; f_equal; simpl; f_equal.
  unfold mono_val, mono_mul; simpl; rewrite dot_plus_l; ring.
Qed.

(** T10 (1): evaluation is a semiring homomorphism: for all x ∈ R^d,
    (f ⊕ g)(x) = max(f(x), g(x)) and (f ⊙ g)(x) = f(x) + g(x), with −∞ for empty polynomials. *)
Theorem T10_eval_homomorphism : forall d (f g : tpoly) (x : nat -> R),
  teval d (tplus f g) x = mp_add (teval d f x) (teval d g x)
  /\ teval d (ttimes f g) x = mp_mul (teval d f x) (teval d g x).
Proof.
  intros d f g x; split; [apply teval_app|].
  induction f as [|m f IH]; [reflexivity|].
  unfold ttimes in *; cbn [flat_map]; rewrite teval_app, teval_cons, teval_map_mul, IH.
  destruct T1_maxplus_semiring as [[_ _ _ _ _ _ _ Hdistr] _]; symmetry; apply Hdistr.
Qed.

(** T10 (2): lifted points of f ⊙ g are exactly the sums of lifted points of f and g;
    lifted points of f ⊕ g are the union of those of f and g. *)
Theorem T10_lifted_points_minkowski : forall (f g : tpoly) (m : monomial),
  (In m (ttimes f g) <-> exists m1 m2, In m1 f /\ In m2 g /\ m = mono_mul m1 m2)
  /\ (In m (tplus f g) <-> In m f \/ In m g).
Proof.
  intros f g m; split.
  - unfold ttimes; rewrite in_flat_map; split.
    + intros [m1 [H1 H2]]; apply in_map_iff in H2 as [m2 [E H2]].
      exists m1, m2; auto.
    + intros [m1 [m2 [H1 [H2 E]]]]; exists m1; split; [exact H1|].
      apply in_map_iff; exists m2; auto.
  - unfold tplus; apply in_app_iff.
Qed.
