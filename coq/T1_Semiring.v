(** * T1 — the tropical semirings (SPEC.md §3, claim T1)

    Max-plus: [T = R ∪ {-∞}], [x ⊕ y = max(x, y)], [x ⊙ y = x + y], tropical zero [-∞]
    (absorbing for ⊙), tropical one [0].  Min-plus is the mirror with [+∞].
    The infinite element is an explicit constructor, never a sentinel number. *)

Require Import Reals Lra Ring.
Open Scope R_scope.

(** Max-plus carrier: [NegInf] is -∞, [Fin x] is the real number x. *)
Inductive maxplus : Type :=
| NegInf : maxplus
| Fin : R -> maxplus.

Definition mp_zero : maxplus := NegInf.
Definition mp_one : maxplus := Fin 0.

(** ⊕ = max, with -∞ the neutral element. *)
Definition mp_add (x y : maxplus) : maxplus :=
  match x, y with
  | NegInf, _ => y
  | _, NegInf => x
  | Fin a, Fin b => Fin (Rmax a b)
  end.

(** ⊙ = +, with -∞ absorbing. *)
Definition mp_mul (x y : maxplus) : maxplus :=
  match x, y with
  | NegInf, _ => NegInf
  | _, NegInf => NegInf
  | Fin a, Fin b => Fin (a + b)
  end.

Lemma Rmax_assoc' : forall a b c : R, Rmax a (Rmax b c) = Rmax (Rmax a b) c.
Proof.
  intros a b c; unfold Rmax;
    repeat (destruct (Rle_dec _ _)); lra.
Qed.

Lemma Rmax_plus_r : forall a b c : R, Rmax a b + c = Rmax (a + c) (b + c).
Proof.
  intros a b c; unfold Rmax; repeat (destruct (Rle_dec _ _)); lra.
Qed.

Lemma Rmax_idem : forall a : R, Rmax a a = a.
Proof. intro a; unfold Rmax; destruct (Rle_dec a a); lra. Qed.

(** T1 (max-plus): (R ∪ {-∞}, max, +, -∞, 0) is a commutative semiring
    (⊕ and ⊙ associative and commutative, -∞ neutral for ⊕ and absorbing for ⊙,
    0 neutral for ⊙, ⊙ distributes over ⊕) and ⊕ is idempotent: x ⊕ x = x. *)
Theorem T1_maxplus_semiring :
  semi_ring_theory mp_zero mp_one mp_add mp_mul (@eq maxplus)
  /\ (forall x, mp_add x x = x).
Proof.
  split.
  - constructor.
    + intros [|a]; reflexivity.
    + intros [|a] [|b]; simpl; try reflexivity; now rewrite Rmax_comm.
    + intros [|a] [|b] [|c]; simpl; try reflexivity; now rewrite Rmax_assoc'.
    + intros [|a]; simpl; try reflexivity; f_equal; ring.
    + intros [|a]; reflexivity.
    + intros [|a] [|b]; simpl; try reflexivity; f_equal; ring.
    + intros [|a] [|b] [|c]; simpl; try reflexivity; f_equal; ring.
    + intros [|a] [|b] [|c]; simpl; try reflexivity; now rewrite Rmax_plus_r.
  - intros [|a]; simpl; try reflexivity; now rewrite Rmax_idem.
Qed.

(** Right distributivity, for completeness (follows from commutativity). *)
Lemma mp_distr_r : forall x y z, mp_mul x (mp_add y z) = mp_add (mp_mul x y) (mp_mul x z).
Proof.
  intros [|a] [|b] [|c]; simpl; try reflexivity.
  f_equal; rewrite !(Rplus_comm a); apply Rmax_plus_r.
Qed.

(** ** Min-plus: (R ∪ {+∞}, min, +, +∞, 0). *)
Inductive minplus : Type :=
| PosInf : minplus
| FinM : R -> minplus.

Definition np_zero : minplus := PosInf.
Definition np_one : minplus := FinM 0.

Definition np_add (x y : minplus) : minplus :=
  match x, y with
  | PosInf, _ => y
  | _, PosInf => x
  | FinM a, FinM b => FinM (Rmin a b)
  end.

Definition np_mul (x y : minplus) : minplus :=
  match x, y with
  | PosInf, _ => PosInf
  | _, PosInf => PosInf
  | FinM a, FinM b => FinM (a + b)
  end.

(** The mirror map x ↦ -x (with -∞ ↦ +∞). *)
Definition mirror (x : maxplus) : minplus :=
  match x with NegInf => PosInf | Fin a => FinM (- a) end.

Definition unmirror (x : minplus) : maxplus :=
  match x with PosInf => NegInf | FinM a => Fin (- a) end.

Lemma Rmin_as_max : forall a b : R, Rmin a b = - Rmax (- a) (- b).
Proof. intros a b; unfold Rmin, Rmax; repeat destruct (Rle_dec _ _); lra. Qed.

(** The mirror is a bijection that maps ⊕, ⊙, zero and one of max-plus to those of
    min-plus: the two semirings are isomorphic. *)
Lemma mirror_iso :
  (forall x, unmirror (mirror x) = x) /\ (forall y, mirror (unmirror y) = y)
  /\ mirror mp_zero = np_zero /\ mirror mp_one = np_one
  /\ (forall x y, mirror (mp_add x y) = np_add (mirror x) (mirror y))
  /\ (forall x y, mirror (mp_mul x y) = np_mul (mirror x) (mirror y)).
Proof.
  repeat split.
  - intros [|a]; simpl; try reflexivity; now rewrite Ropp_involutive.
  - intros [|a]; simpl; try reflexivity; now rewrite Ropp_involutive.
  - simpl; now rewrite Ropp_0.
  - intros [|a] [|b]; simpl; try reflexivity.
    rewrite Rmin_as_max, !Ropp_involutive; reflexivity.
  - intros [|a] [|b]; simpl; try reflexivity; f_equal; ring.
Qed.

(** T1 (min-plus): (R ∪ {+∞}, min, +, +∞, 0) is a commutative semiring and ⊕ = min is
    idempotent.  Proved independently of the mirror, by the same case analysis. *)
Theorem T1_minplus_semiring :
  semi_ring_theory np_zero np_one np_add np_mul (@eq minplus)
  /\ (forall x, np_add x x = x).
Proof.
  split.
  - constructor.
    + intros [|a]; reflexivity.
    + intros [|a] [|b]; simpl; try reflexivity; now rewrite Rmin_comm.
    + intros [|a] [|b] [|c]; simpl; try reflexivity; f_equal;
        unfold Rmin; repeat destruct (Rle_dec _ _); lra.
    + intros [|a]; simpl; try reflexivity; f_equal; ring.
    + intros [|a]; reflexivity.
    + intros [|a] [|b]; simpl; try reflexivity; f_equal; ring.
    + intros [|a] [|b] [|c]; simpl; try reflexivity; f_equal; ring.
    + intros [|a] [|b] [|c]; simpl; try reflexivity; f_equal;
        unfold Rmin; repeat destruct (Rle_dec _ _); lra.
  - intros [|a]; simpl; try reflexivity; f_equal;
      unfold Rmin; destruct (Rle_dec a a); lra.
Qed.

(** The [ring] tactic works on max-plus expressions: the theory above is usable. *)
Add Ring maxplus_ring : (proj1 T1_maxplus_semiring).

Example mp_ring_example : forall x y : maxplus,
  mp_mul (mp_add x y) (mp_add x y) = mp_add (mp_mul x x) (mp_add (mp_mul x y) (mp_add (mp_mul y x) (mp_mul y y))).
Proof. intros; ring. Qed.
