(** * T4 — zero-temperature attention is a power diagram (SPEC.md §3, claim T4)

    Setting A: scores [s_j(x) = ⟨a_j, x⟩ + β_j] for j < N, x ∈ R^d.
    Sites [z_j = a_j / 2], weights [w_j = ‖z_j‖² + β_j],
    power distances [pow_j(x) = ‖x − z_j‖² − w_j].
    Then [pow_j(x) = ‖x‖² − s_j(x)] and, as sets (ties included),
    [argmax_j s_j(x) = argmin_j pow_j(x)]. *)

Require Import Reals Lra.
Open Scope R_scope.

(** Vectors of R^d are coordinate functions [nat -> R]; only coordinates [< d] matter. *)
Fixpoint dot (d : nat) (u v : nat -> R) : R :=
  match d with
  | O => 0
  | S k => dot k u v + u k * v k
  end.

Definition nrm2 (d : nat) (u : nat -> R) : R := dot d u u.
Definition vsub (u v : nat -> R) : nat -> R := fun i => u i - v i.
Definition vscale (c : R) (u : nat -> R) : nat -> R := fun i => c * u i.

(** Score of key j: [s_j(x) = ⟨a_j, x⟩ + β_j]. *)
Definition score (d : nat) (a : nat -> nat -> R) (beta : nat -> R) (j : nat) (x : nat -> R) : R :=
  dot d (a j) x + beta j.

Definition site (a : nat -> nat -> R) (j : nat) : nat -> R := vscale (/ 2) (a j).
Definition weight (d : nat) (a : nat -> nat -> R) (beta : nat -> R) (j : nat) : R :=
  nrm2 d (site a j) + beta j.

(** Power distance of x to the weighted site (z_j, w_j). *)
Definition pow_dist (d : nat) (a : nat -> nat -> R) (beta : nat -> R) (j : nat) (x : nat -> R) : R :=
  nrm2 d (vsub x (site a j)) - weight d a beta j.

(** argmax / argmin over the index set {0, …, N−1}, as predicates (sets). *)
Definition is_argmax (N : nat) (f : nat -> R) (j : nat) : Prop :=
  (j < N)%nat /\ forall i, (i < N)%nat -> f i <= f j.
Definition is_argmin (N : nat) (f : nat -> R) (j : nat) : Prop :=
  (j < N)%nat /\ forall i, (i < N)%nat -> f j <= f i.

Lemma expand_sq : forall d (x z : nat -> R),
  nrm2 d (vsub x z) = nrm2 d x - 2 * dot d z x + nrm2 d z.
Proof.
  intros d x z; unfold nrm2, vsub; induction d as [|k IH]; simpl.
  - ring.
  - rewrite IH; ring.
Qed.

Lemma dot_scale_l : forall d c (u v : nat -> R), dot d (vscale c u) v = c * dot d u v.
Proof.
  intros d c u v; unfold vscale; induction d as [|k IH]; simpl.
  - ring.
  - rewrite IH; ring.
Qed.

(** The pointwise identity: [pow_j(x) = ‖x‖² − s_j(x)] for every x ∈ R^d and every j. *)
Theorem T4_power_distance_identity :
  forall d (a : nat -> nat -> R) (beta : nat -> R) (j : nat) (x : nat -> R),
    pow_dist d a beta j x = nrm2 d x - score d a beta j x.
Proof.
  intros d a beta j x; unfold pow_dist, weight, score.
  rewrite expand_sq; unfold site; rewrite dot_scale_l.
  field.
Qed.

(** T4: for every x ∈ R^d, the set of maximisers of the scores [s_j(x) = ⟨a_j,x⟩ + β_j]
    over j ∈ {0..N−1} equals the set of minimisers of the power distances
    [pow_j(x) = ‖x − a_j/2‖² − (‖a_j/2‖² + β_j)] (ties included: equality of sets). *)
Theorem T4_power_diagram_equivalence :
  forall d N (a : nat -> nat -> R) (beta : nat -> R) (x : nat -> R) (j : nat),
    is_argmax N (fun i => score d a beta i x) j <->
    is_argmin N (fun i => pow_dist d a beta i x) j.
Proof.
  intros d N a beta x j; unfold is_argmax, is_argmin.
  split; intros [Hj H]; split; auto; intros i Hi; specialize (H i Hi);
    rewrite ?T4_power_distance_identity in *; lra.
Qed.
