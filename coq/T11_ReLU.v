(** * T11 — ReLU networks are tropical rational maps (SPEC.md §3, claim T11)

    Zhang–Naitzat–Lim (2018) recursion. Call φ : R^d → R a tropical polynomial function if
    φ(x) = max_{(e,c) ∈ f} ⟨e, x⟩ + c for a non-empty finite list f of monomials (T10's
    [teval]). These functions are closed under +, max, and multiplication by a scalar t ≥ 0;
    constants and coordinates x_k are such functions.
    One ReLU layer: if every input is a difference F_i − G_i of tropical polynomial functions,
    then so is every output  max(Σ_i w_ji (F_i − G_i) + b_j, 0) = F'_j − G'_j  with
      G'_j = Σ_i w⁺_ji G_i + Σ_i w⁻_ji F_i,
      F'_j = max(Σ_i w⁺_ji F_i + Σ_i w⁻_ji G_i + b_j, G'_j),   w = w⁺ − w⁻, w^± ≥ 0,
    and the network's inputs x_k = x_k − 0 start the recursion: by induction on the depth, every
    ReLU network with real weights is a tropical rational map F − G (proved below for any list
    of layers). *)

Require Import Reals Lra Lia List.
Require Import TropicalAttention.Softmax TropicalAttention.T1_Semiring
  TropicalAttention.T4_PowerDiagram TropicalAttention.T7_Attainment TropicalAttention.T10_Newton.
Import ListNotations.
Open Scope R_scope.

Definition is_tpoly_fn (d : nat) (phi : (nat -> R) -> R) : Prop :=
  exists f : tpoly, f <> nil /\ forall x, teval d f x = Fin (phi x).

Lemma tpoly_const : forall d c, is_tpoly_fn d (fun _ => c).
Proof.
  intros d c; exists [((fun _ => 0), c)]; split; [congruence|].
  intros x; cbn; f_equal; unfold mono_val; simpl.
  assert (H : dot d (fun _ => 0) x = 0).
  { induction d as [|d IH]; simpl; [reflexivity|]. rewrite IH; ring. }
  rewrite H; ring.
Qed.

Lemma tpoly_coord : forall d k, (k < d)%nat -> is_tpoly_fn d (fun x => x k).
Proof.
  intros d k Hk; exists [((fun i => if Nat.eq_dec i k then 1 else 0), 0)]; split; [congruence|].
  intros x; cbn; f_equal; unfold mono_val; simpl; rewrite dot_unit by exact Hk; ring.
Qed.

Lemma tpoly_max : forall d phi psi, is_tpoly_fn d phi -> is_tpoly_fn d psi ->
  is_tpoly_fn d (fun x => Rmax (phi x) (psi x)).
Proof.
  intros d phi psi [f [Hf Ef]] [g [Hg Eg]]; exists (tplus f g); split.
  - unfold tplus; destruct f; [congruence | simpl; congruence].
  - intros x; rewrite (proj1 (T10_eval_homomorphism d f g x)), Ef, Eg; reflexivity.
Qed.

Lemma tpoly_plus : forall d phi psi, is_tpoly_fn d phi -> is_tpoly_fn d psi ->
  is_tpoly_fn d (fun x => phi x + psi x).
Proof.
  intros d phi psi [f [Hf Ef]] [g [Hg Eg]]; exists (ttimes f g); split.
  - unfold ttimes; destruct f as [|m f]; [congruence|]; destruct g as [|m' g]; [congruence|].
    simpl; congruence.
  - intros x; rewrite (proj2 (T10_eval_homomorphism d f g x)), Ef, Eg; reflexivity.
Qed.

Definition mono_scale (t : R) (m : monomial) : monomial := (fun i => t * fst m i, t * snd m).

Lemma Rmax_scale : forall t a b, 0 <= t -> t * Rmax a b = Rmax (t * a) (t * b).
Proof.
  intros t a b Ht; unfold Rmax; destruct (Rle_dec a b), (Rle_dec (t * a) (t * b)); try reflexivity.
  - destruct Ht as [Ht|<-]; [|ring]. exfalso; apply n; now apply Rmult_le_compat_l; [lra|].
  - destruct Ht as [Ht|<-]; [|ring]. exfalso; apply n.
    apply Rmult_le_reg_l with t; [lra | exact r].
Qed.

Lemma dot_scale_l' : forall d t (u x : nat -> R), dot d (fun i => t * u i) x = t * dot d u x.
Proof. induction d as [|d IH]; intros; simpl; [ring|]. rewrite IH; ring. Qed.

Lemma tpoly_scale : forall d t phi, 0 <= t -> is_tpoly_fn d phi -> is_tpoly_fn d (fun x => t * phi x).
Proof.
  intros d t phi Ht [f [Hf Ef]]; exists (map (mono_scale t) f); split.
  - destruct f; [congruence | simpl; congruence].
  - intros x; rewrite <- (f_equal (fun v => match v with NegInf => NegInf | Fin a => Fin (t * a) end) (Ef x)).
    clear Ef Hf; induction f as [|m f IH]; [reflexivity|].
    cbn [map]; rewrite !teval_cons, IH.
    destruct (teval d f x) as [|v]; simpl; f_equal; unfold mono_val, mono_scale; simpl;
      rewrite ?dot_scale_l'.
    + ring.
    + rewrite Rmax_scale by exact Ht; f_equal; ring.
Qed.

Lemma tpoly_sumN : forall d n (phi : nat -> (nat -> R) -> R),
  (forall i, (i < n)%nat -> is_tpoly_fn d (phi i)) -> is_tpoly_fn d (fun x => sumN n (fun i => phi i x)).
Proof.
  induction n as [|n IH]; intros phi H; simpl; [apply tpoly_const|].
  apply tpoly_plus; [apply IH; intros; apply H; lia | apply H; lia].
Qed.

Definition wpos (w : R) : R := Rmax w 0.
Definition wneg (w : R) : R := Rmax (- w) 0.

Lemma w_split : forall w, w = wpos w - wneg w /\ 0 <= wpos w /\ 0 <= wneg w.
Proof. intros w; unfold wpos, wneg, Rmax; repeat destruct (Rle_dec _ _); repeat split; lra. Qed.

(** The Zhang–Naitzat–Lim pair for output neuron j of a layer (W, b) with n inputs F_i − G_i. *)
Definition layer_G (n : nat) (W : nat -> nat -> R) (F G : nat -> (nat -> R) -> R) (j : nat)
  : (nat -> R) -> R :=
  fun x => sumN n (fun i => wpos (W j i) * G i x) + sumN n (fun i => wneg (W j i) * F i x).

Definition layer_F (n : nat) (W : nat -> nat -> R) (b : nat -> R) (F G : nat -> (nat -> R) -> R)
  (j : nat) : (nat -> R) -> R :=
  fun x => Rmax (sumN n (fun i => wpos (W j i) * F i x) + sumN n (fun i => wneg (W j i) * G i x) + b j)
                (layer_G n W F G j x).

(** T11 (one layer): if the n inputs are F_i − G_i with F_i, G_i tropical polynomial functions,
    then each output ReLU(Σ_i W_ji (F_i − G_i) + b_j) equals F'_j − G'_j with F'_j, G'_j
    tropical polynomial functions (explicitly [layer_F], [layer_G]). *)
Theorem T11_relu_layer_tropical_rational :
  forall d n (W : nat -> nat -> R) (b : nat -> R) (F G : nat -> (nat -> R) -> R),
    (forall i, (i < n)%nat -> is_tpoly_fn d (F i) /\ is_tpoly_fn d (G i)) ->
    forall j,
      is_tpoly_fn d (layer_F n W b F G j) /\ is_tpoly_fn d (layer_G n W F G j)
      /\ forall x, Rmax (sumN n (fun i => W j i * (F i x - G i x)) + b j) 0
                   = layer_F n W b F G j x - layer_G n W F G j x.
Proof.
  intros d n W b F G HFG j.
  assert (HG : is_tpoly_fn d (layer_G n W F G j)).
  { apply tpoly_plus; apply tpoly_sumN; intros i Hi; apply tpoly_scale;
      try apply (w_split (W j i)); apply HFG, Hi. }
  split; [|split; [exact HG|]].
  - apply tpoly_max; [|exact HG].
    apply tpoly_plus; [apply tpoly_plus|apply tpoly_const]; apply tpoly_sumN; intros i Hi;
      apply tpoly_scale; try apply (w_split (W j i)); apply HFG, Hi.
  - intros x; unfold layer_F, layer_G.
    set (P := sumN n (fun i => wpos (W j i) * F i x) + sumN n (fun i => wneg (W j i) * G i x) + b j).
    set (Q := sumN n (fun i => wpos (W j i) * G i x) + sumN n (fun i => wneg (W j i) * F i x)).
    assert (E : sumN n (fun i => W j i * (F i x - G i x)) + b j = P - Q).
    { unfold P, Q.
      rewrite (sumN_ext n _ (fun i => (wpos (W j i) * F i x + wneg (W j i) * G i x)
                                     + - (wpos (W j i) * G i x + wneg (W j i) * F i x))).
      - rewrite !sumN_plus.
        rewrite (sumN_ext n (fun i => - _) (fun i => -1 * (wpos (W j i) * G i x + wneg (W j i) * F i x)))
          by (intros; ring).
        rewrite sumN_scal, sumN_plus; ring.
      - intros i _; rewrite (proj1 (w_split (W j i))) at 1; ring. }
    rewrite E; unfold Rmax; destruct (Rle_dec (P - Q) 0), (Rle_dec P Q); lra.
Qed.

(** A ReLU network: a list of layers (W, b, m) (m outputs each), applied to the input x ∈ R^d;
    [net_FG] runs the recursion and returns the pair (F, G) of families of output functions. *)
Fixpoint net_FG (layers : list ((nat -> nat -> R) * (nat -> R) * nat)) (n : nat)
  (F G : nat -> (nat -> R) -> R) : (nat -> (nat -> R) -> R) * (nat -> (nat -> R) -> R) * nat :=
  match layers with
  | nil => (F, G, n)
  | (W, b, m) :: rest => net_FG rest m (layer_F n W b F G) (layer_G n W F G)
  end.

Fixpoint net_eval (layers : list ((nat -> nat -> R) * (nat -> R) * nat)) (n : nat)
  (h : nat -> R) : (nat -> R) * nat :=
  match layers with
  | nil => (h, n)
  | (W, b, m) :: rest =>
      net_eval rest m (fun j => Rmax (sumN n (fun i => W j i * h i) + b j) 0)
  end.

(** T11 (networks): for every list of ReLU layers with real weights on inputs x ∈ R^d, each
    output coordinate j is F_j(x) − G_j(x) with F_j, G_j tropical polynomial functions. *)
Theorem T11_relu_network_tropical_rational :
  forall d layers,
    let '(F, G, nout) := net_FG layers d (fun k x => x k) (fun _ _ => 0) in
    (forall j, (j < nout)%nat -> is_tpoly_fn d (F j) /\ is_tpoly_fn d (G j))
    /\ forall x j, fst (net_eval layers d x) j = F j x - G j x /\ snd (net_eval layers d x) = nout.
Proof.
  intros d layers.
  assert (Gen : forall layers n F G (h : (nat -> R) -> nat -> R),
    (forall i, (i < n)%nat -> is_tpoly_fn d (F i) /\ is_tpoly_fn d (G i)) ->
    (forall x i, h x i = F i x - G i x) ->
    let '(F', G', nout) := net_FG layers n F G in
    (forall j, (j < nout)%nat -> is_tpoly_fn d (F' j) /\ is_tpoly_fn d (G' j))
    /\ forall x j, fst (net_eval layers n (h x)) j = F' j x - G' j x
                   /\ snd (net_eval layers n (h x)) = nout).
  { clear layers; induction layers as [|[[W b] m] rest IH]; intros n F G h HFG Hh.
    - simpl; split; [exact HFG | intros x j; split; [apply Hh | reflexivity]].
    - simpl.
      specialize (IH m (layer_F n W b F G) (layer_G n W F G)
                    (fun x j => Rmax (sumN n (fun i => W j i * h x i) + b j) 0)).
      destruct (net_FG rest m (layer_F n W b F G) (layer_G n W F G)) as [[F' G'] nout].
      apply IH.
      + intros j _; pose proof (T11_relu_layer_tropical_rational d n W b F G HFG j); tauto.
      + intros x j.
        rewrite (sumN_ext n (fun i => W j i * h x i) (fun i => W j i * (F i x - G i x)))
          by (intros; rewrite Hh; reflexivity).
        apply (T11_relu_layer_tropical_rational d n W b F G HFG j). }
  pose proof (Gen layers d (fun k x => x k) (fun _ _ => 0) (fun x => x)) as H.
  destruct (net_FG layers d (fun k x => x k) (fun _ _ => 0)) as [[F G] nout].
  apply H.
  - intros i Hi; split; [now apply tpoly_coord | apply tpoly_const].
  - intros x i; ring.
Qed.
