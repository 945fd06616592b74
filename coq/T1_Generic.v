(** * T1 over any linearly ordered commutative monoid (SPEC.md §3, claim T1)

    Let (G, +, 0, ≤) be a commutative monoid with a decidable total order that is invariant
    under translation (x ≤ y ⇒ x + z ≤ y + z) — e.g. any linearly ordered abelian group such
    as (Q, +) or (R, +). Then (G ∪ {−∞}, max, +, −∞, 0) is a commutative semiring with
    idempotent ⊕; and (G ∪ {+∞}, min, +, +∞, 0) is one too, being the max-plus semiring of the
    reversed order. Instances below: the exact rationals [Qc] (the scalars of the Rust code)
    and the reals. *)

Require Import Ring QArith Qcanon Reals Lra.

Record OrderedMonoid : Type := {
  car : Type;
  le : car -> car -> Prop;
  le_dec : forall x y, {le x y} + {~ le x y};
  le_refl : forall x, le x x;
  le_trans : forall x y z, le x y -> le y z -> le x z;
  le_antisym : forall x y, le x y -> le y x -> x = y;
  le_total : forall x y, le x y \/ le y x;
  add : car -> car -> car;
  zero : car;
  add_assoc : forall x y z, add x (add y z) = add (add x y) z;
  add_comm : forall x y, add x y = add y x;
  add_zero_l : forall x, add zero x = x;
  add_mono : forall x y z, le x y -> le (add x z) (add y z)
}.

(** G ∪ {−∞} with an explicit −∞. *)
Inductive ext (G : OrderedMonoid) : Type :=
| NegInfG : ext G
| FinG : car G -> ext G.
Arguments NegInfG {G}.
Arguments FinG {G} _.

Definition gmax (G : OrderedMonoid) (x y : car G) : car G :=
  if le_dec G x y then y else x.

Definition oplus (G : OrderedMonoid) (x y : ext G) : ext G :=
  match x, y with
  | NegInfG, _ => y
  | _, NegInfG => x
  | FinG a, FinG b => FinG (gmax G a b)
  end.

Definition otimes (G : OrderedMonoid) (x y : ext G) : ext G :=
  match x, y with
  | NegInfG, _ => NegInfG
  | _, NegInfG => NegInfG
  | FinG a, FinG b => FinG (add G a b)
  end.

Definition ozero (G : OrderedMonoid) : ext G := NegInfG.
Definition oone (G : OrderedMonoid) : ext G := FinG (zero G).

Lemma not_le_ge : forall G x y, ~ le G x y -> le G y x.
Proof. intros G x y H; destruct (le_total G x y); [contradiction | assumption]. Qed.

(** m is a maximum of the finite set S (given as a list): m ∈ S and m ≥ every element. *)
Definition is_max_of (G : OrderedMonoid) (S : list (car G)) (m : car G) : Prop :=
  List.In m S /\ forall x, List.In x S -> le G x m.

Lemma is_max_of_unique : forall G S m1 m2, is_max_of G S m1 -> is_max_of G S m2 -> m1 = m2.
Proof.
  intros G S m1 m2 [I1 H1] [I2 H2]; apply le_antisym; [apply H2, I1 | apply H1, I2].
Qed.

Lemma gmax_spec : forall G a b, is_max_of G (a :: b :: nil) (gmax G a b).
Proof.
  intros G a b; unfold gmax; destruct (le_dec G a b) as [H|H]; split; simpl; auto;
    intros x [<-|[<-|[]]]; auto using le_refl, not_le_ge.
Qed.

Lemma gmax_comm : forall G a b, gmax G a b = gmax G b a.
Proof.
  intros G a b; apply (is_max_of_unique G (a :: b :: nil)); [apply gmax_spec|].
  destruct (gmax_spec G b a) as [I H]; split.
  - simpl in *; tauto.
  - intros x Hx; apply H; simpl in *; tauto.
Qed.

Lemma gmax_assoc : forall G a b c, gmax G a (gmax G b c) = gmax G (gmax G a b) c.
Proof.
  intros G a b c; apply (is_max_of_unique G (a :: b :: c :: nil)).
  - destruct (gmax_spec G b c) as [I1 H1]; destruct (gmax_spec G a (gmax G b c)) as [I2 H2].
    split.
    + simpl in *; destruct I2 as [<-|[<-|[]]]; [tauto | destruct I1 as [<-|[<-|[]]]; tauto].
    + intros x [<-|[<-|[<-|[]]]]; simpl in *.
      * apply H2; tauto.
      * apply le_trans with (gmax G b c); [apply H1; tauto | apply H2; tauto].
      * apply le_trans with (gmax G b c); [apply H1; tauto | apply H2; tauto].
  - destruct (gmax_spec G a b) as [I1 H1]; destruct (gmax_spec G (gmax G a b) c) as [I2 H2].
    split.
    + simpl in *; destruct I2 as [<-|[<-|[]]]; [destruct I1 as [<-|[<-|[]]]; tauto | tauto].
    + intros x [<-|[<-|[<-|[]]]]; simpl in *.
      * apply le_trans with (gmax G a b); [apply H1; tauto | apply H2; tauto].
      * apply le_trans with (gmax G a b); [apply H1; tauto | apply H2; tauto].
      * apply H2; tauto.
Qed.

Lemma gmax_idem : forall G a, gmax G a a = a.
Proof. intros G a; unfold gmax; destruct (le_dec G a a); reflexivity. Qed.

Lemma gmax_add_r : forall G a b c, add G (gmax G a b) c = gmax G (add G a c) (add G b c).
Proof.
  intros G a b c; apply (is_max_of_unique G (add G a c :: add G b c :: nil)).
  - destruct (gmax_spec G a b) as [I H]; split.
    + simpl in *; destruct I as [<-|[<-|[]]]; tauto.
    + intros x [<-|[<-|[]]]; apply add_mono, H; simpl; tauto.
  - apply gmax_spec.
Qed.

(** T1 (generic max-plus): for every linearly ordered commutative monoid G,
    (G ∪ {−∞}, max, +, −∞, 0) is a commutative semiring and x ⊕ x = x. *)
Theorem T1_maxplus_semiring_generic : forall G : OrderedMonoid,
  semi_ring_theory (ozero G) (oone G) (oplus G) (otimes G) (@eq (ext G))
  /\ (forall x, oplus G x x = x).
Proof.
  intros G; split.
  - constructor.
    + intros [|a]; reflexivity.
    + intros [|a] [|b]; simpl; try reflexivity; now rewrite gmax_comm.
    + intros [|a] [|b] [|c]; simpl; try reflexivity; now rewrite gmax_assoc.
    + intros [|a]; simpl; try reflexivity; now rewrite add_zero_l.
    + intros [|a]; reflexivity.
    + intros [|a] [|b]; simpl; try reflexivity; now rewrite add_comm.
    + intros [|a] [|b] [|c]; simpl; try reflexivity; now rewrite add_assoc.
    + intros [|a] [|b] [|c]; simpl; try reflexivity; now rewrite gmax_add_r.
  - intros [|a]; simpl; try reflexivity; now rewrite gmax_idem.
Qed.

(** The reversed order: (G, ≥) is again a linearly ordered commutative monoid. *)
Definition dual (G : OrderedMonoid) : OrderedMonoid := {|
  car := car G;
  le := fun x y => le G y x;
  le_dec := fun x y => le_dec G y x;
  le_refl := le_refl G;
  le_trans := fun x y z Hxy Hyz => le_trans G z y x Hyz Hxy;
  le_antisym := fun x y Hxy Hyx => le_antisym G x y Hyx Hxy;
  le_total := fun x y => le_total G y x;
  add := add G;
  zero := zero G;
  add_assoc := add_assoc G;
  add_comm := add_comm G;
  add_zero_l := add_zero_l G;
  add_mono := fun x y z H => add_mono G y x z H
|}.

(** In the reversed order, max is the minimum of the original order. *)
Lemma dual_gmax_is_min : forall G a b,
  List.In (gmax (dual G) a b) (a :: b :: nil)
  /\ le G (gmax (dual G) a b) a /\ le G (gmax (dual G) a b) b.
Proof.
  intros G a b; destruct (gmax_spec (dual G) a b) as [I H]; split; [exact I|].
  split; apply H; simpl; tauto.
Qed.

(** T1 (generic min-plus): (G ∪ {+∞}, min, +, +∞, 0) — i.e. [ext (dual G)], where the
    constructor NegInfG of the reversed order plays +∞ — is a commutative semiring with
    idempotent ⊕ = min. *)
Theorem T1_minplus_semiring_generic : forall G : OrderedMonoid,
  semi_ring_theory (ozero (dual G)) (oone (dual G)) (oplus (dual G)) (otimes (dual G))
    (@eq (ext (dual G)))
  /\ (forall x, oplus (dual G) x x = x)
  /\ (forall a b, oplus (dual G) (FinG a) (FinG b) = FinG (gmax (dual G) a b)).
Proof.
  intros G; destruct (T1_maxplus_semiring_generic (dual G)) as [H1 H2].
  split; [exact H1 | split; [exact H2 | reflexivity]].
Qed.

(** ** Instances *)

(** The exact rationals in canonical form ([Qc]: Leibniz equality is rational equality). *)
Definition Qc_ordered : OrderedMonoid := {|
  car := Qc;
  le := Qcle;
  le_dec := fun x y => match Qclt_le_dec y x with
                       | left H => right (Qclt_not_le y x H)
                       | right H => left H
                       end;
  le_refl := Qcle_refl;
  le_trans := Qcle_trans;
  le_antisym := Qcle_antisym;
  le_total := fun x y => match Qclt_le_dec x y with
                         | left H => or_introl (Qclt_le_weak x y H)
                         | right H => or_intror H
                         end;
  add := Qcplus;
  zero := Q2Qc 0;
  add_assoc := Qcplus_assoc;
  add_comm := Qcplus_comm;
  add_zero_l := Qcplus_0_l;
  add_mono := fun x y z H => Qcplus_le_compat x y z z H (Qcle_refl z)
|}.

Definition R_ordered : OrderedMonoid := {|
  car := R;
  le := Rle;
  le_dec := Rle_dec;
  le_refl := Rle_refl;
  le_trans := Rle_trans;
  le_antisym := Rle_antisym;
  le_total := fun x y => match Rle_dec x y with
                         | left H => or_introl H
                         | right H => or_intror (Rlt_le y x (Rnot_le_lt x y H))
                         end;
  add := Rplus;
  zero := R0;
  add_assoc := fun x y z => eq_sym (Rplus_assoc x y z);
  add_comm := Rplus_comm;
  add_zero_l := Rplus_0_l;
  add_mono := fun x y z H => Rplus_le_compat_r z x y H
|}.

(** T1 over the exact rationals: max-plus and min-plus over Q are commutative idempotent
    semirings (the setting of the Rust code). *)
Theorem T1_rational_maxplus_minplus :
  (semi_ring_theory (ozero Qc_ordered) (oone Qc_ordered) (oplus Qc_ordered) (otimes Qc_ordered)
     (@eq (ext Qc_ordered)) /\ (forall x, oplus Qc_ordered x x = x))
  /\ (semi_ring_theory (ozero (dual Qc_ordered)) (oone (dual Qc_ordered))
        (oplus (dual Qc_ordered)) (otimes (dual Qc_ordered)) (@eq (ext (dual Qc_ordered)))
      /\ (forall x, oplus (dual Qc_ordered) x x = x)).
Proof.
  split; [apply T1_maxplus_semiring_generic|].
  destruct (T1_minplus_semiring_generic Qc_ordered) as [H1 [H2 _]]; now split.
Qed.
