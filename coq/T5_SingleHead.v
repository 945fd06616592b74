(** * T5 — single head: nonempty cells come from upper-hull vertices (SPEC.md §3, claim T5)

    One head, scores s_i(x) = ⟨a_i, x⟩ + β_i (i < N) on R^d, lifted points (a_i, β_i).
    Proved here (one direction of T5): if key j is the UNIQUE maximiser at some x (so its cell
    {x : s_j(x) > s_i(x) ∀ i ≠ j} is a nonempty open set), then (a_j, β_j) is not dominated by
    the other lifted points: there is no convex combination Σ_{i≠j} λ_i (a_i, β_i) with
    Σ λ_i a_i = a_j and Σ λ_i β_i ≥ β_j; i.e. (a_j, β_j) is a vertex of the upper hull.
    Also: a single head has at most N cells (T6 with H = 1).
    The converse direction needs LP duality and is checked by the property tests only. *)

Require Import Reals Lra Lia List.
Require Import TropicalAttention.Softmax TropicalAttention.T4_PowerDiagram
  TropicalAttention.T6_Counting.
Import ListNotations.
Open Scope R_scope.

Lemma dot_sum_l : forall d N (lam : nat -> R) (a : nat -> nat -> R) (x : nat -> R),
  dot d (fun k => sumN N (fun i => lam i * a i k)) x = sumN N (fun i => lam i * dot d (a i) x).
Proof.
  induction d as [|d IH]; intros N lam a x; simpl.
  - symmetry; rewrite (sumN_ext N _ (fun _ => 0)) by (intros; ring).
    rewrite sumN_const; ring.
  - rewrite IH.
    rewrite (sumN_ext N (fun i => lam i * (dot d (a i) x + a i d * x d))
               (fun i => lam i * dot d (a i) x + x d * (lam i * a i d))) by (intros; ring).
    rewrite sumN_plus, sumN_scal; ring.
Qed.

Lemma dot_ext_l : forall d (u v x : nat -> R), (forall k, (k < d)%nat -> u k = v k) ->
  dot d u x = dot d v x.
Proof.
  induction d as [|d IH]; intros u v x H; simpl; [reflexivity|].
  rewrite (IH u v) by (intros; apply H; lia); rewrite H by lia; reflexivity.
Qed.

Lemma sumN_pos_witness : forall N f, 0 < sumN N f -> exists i, (i < N)%nat /\ 0 < f i.
Proof.
  induction N as [|k IH]; intros f H; simpl in H; [lra|].
  destruct (Rlt_dec 0 (f k)) as [Hk|Hk].
  - exists k; split; [lia | exact Hk].
  - destruct (IH f ltac:(lra)) as [i [Hi Hf]]; exists i; split; [lia | exact Hf].
Qed.

Lemma sumN_lt : forall N f g, (forall i, (i < N)%nat -> f i <= g i) ->
  (exists i, (i < N)%nat /\ f i < g i) -> sumN N f < sumN N g.
Proof.
  induction N as [|k IH]; intros f g Hle [i [Hi Hlt]]; [lia|]; simpl.
  destruct (Nat.eq_dec i k) as [->|Hne].
  - pose proof (sumN_le k f g (fun j Hj => Hle j ltac:(lia))); lra.
  - assert (sumN k f < sumN k g).
    { apply IH; [intros j Hj; apply Hle; lia | exists i; split; [lia | exact Hlt]]. }
    pose proof (Hle k ltac:(lia)); lra.
Qed.

(** T5 (nonempty cell ⇒ upper-hull vertex): if j < N is the unique maximiser of the scores at
    some x ∈ R^d, then no weights λ ≥ 0 with λ_j = 0 and Σ_i λ_i = 1 satisfy
    Σ_i λ_i a_i = a_j and Σ_i λ_i β_i ≥ β_j. *)
Theorem T5_nonempty_cell_is_upper_vertex : forall d N (a : nat -> nat -> R) (beta : nat -> R) j x,
  (j < N)%nat ->
  (forall i, (i < N)%nat -> i <> j -> score d a beta i x < score d a beta j x) ->
  ~ exists lam : nat -> R,
      (forall i, (i < N)%nat -> 0 <= lam i) /\ lam j = 0 /\ sumN N lam = 1
      /\ (forall k, (k < d)%nat -> sumN N (fun i => lam i * a i k) = a j k)
      /\ beta j <= sumN N (fun i => lam i * beta i).
Proof.
  intros d N a beta j x Hj Hstrict [lam [Hnn [Hlj [Hsum [Ha Hb]]]]].
  (* Σ λ_i s_i(x) = ⟨a_j, x⟩ + Σ λ_i β_i ≥ s_j(x) *)
  assert (Hcomb : sumN N (fun i => lam i * score d a beta i x)
                  = dot d (a j) x + sumN N (fun i => lam i * beta i)).
  { unfold score.
    rewrite (sumN_ext N _ (fun i => lam i * dot d (a i) x + lam i * beta i)) by (intros; ring).
    rewrite sumN_plus, <- dot_sum_l; f_equal.
    apply dot_ext_l, Ha. }
  (* but Σ λ_i s_i(x) < Σ λ_i s_j(x) = s_j(x) *)
  assert (Hlt : sumN N (fun i => lam i * score d a beta i x)
                < sumN N (fun i => lam i * score d a beta j x)).
  { apply sumN_lt.
    - intros i Hi; destruct (Nat.eq_dec i j) as [->|Hne]; [lra|].
      apply Rmult_le_compat_l; [now apply Hnn | left; now apply Hstrict].
    - destruct (sumN_pos_witness N lam ltac:(lra)) as [i [Hi Hpos]].
      exists i; split; [exact Hi|].
      destruct (Nat.eq_dec i j) as [->|Hne]; [lra|].
      apply Rmult_lt_compat_l; [exact Hpos | now apply Hstrict]. }
  rewrite (sumN_ext N (fun i => lam i * score d a beta j x)
             (fun i => score d a beta j x * lam i)) in Hlt by (intros; ring).
  rewrite sumN_scal, Hsum, Hcomb in Hlt; unfold score in Hlt; lra.
Qed.

Lemma NoDup_map_singleton : forall js : list nat, NoDup js -> NoDup (map (fun j => [j]) js).
Proof.
  intros js Hnd; induction Hnd as [|j js Hj Hnd IH]; simpl; constructor; [|exact IH].
  intros Hin; apply in_map_iff in Hin as [j' [E Hj']]; injection E as ->; contradiction.
Qed.

(** T5 (at most N cells): labelling each point by one key index < N, at most N distinct labels
    are realised (T6 with H = 1). *)
Theorem T5_at_most_N_cells : forall (X : Type) (label : X -> nat) N,
  (forall x, (label x < N)%nat) ->
  forall js : list nat, NoDup js -> (forall j, In j js -> exists x, label x = j) ->
  (length js <= N)%nat.
Proof.
  intros X label N Hb js Hnd Hreal.
  pose proof (T6_label_tuple_count X (fun x => [label x]) [N]
    (fun x => conj (Hb x) I) (map (fun j => [j]) js)) as H.
  rewrite map_length in H; simpl in H; rewrite Nat.mul_1_r in H; apply H.
  - apply NoDup_map_singleton, Hnd.
  - intros t Ht; apply in_map_iff in Ht as [j [<- Hj]].
    destruct (Hreal j Hj) as [x Hx]; exists x; now rewrite Hx.
Qed.
