(** Compiled last by check.sh: prints the axioms each main theorem depends on.
    check.sh fails unless every axiom listed is one the standard library's classical
    real numbers rest on. *)
Require Import Reals.
Open Scope R_scope.
Require Import TropicalAttention.T1_Semiring.
Require Import TropicalAttention.T4_PowerDiagram.
Require Import TropicalAttention.T2_LSE.
Require Import TropicalAttention.T6_Counting.
Require Import TropicalAttention.Softmax.
Require Import TropicalAttention.T9_FiniteTemperature.
Require Import TropicalAttention.T3_ZeroTemperature.
Require Import TropicalAttention.T8_OneDimensional.
Require Import TropicalAttention.T7_Attainment.
Require Import TropicalAttention.T9_Jacobian.
Require Import TropicalAttention.T1_Generic.
Require Import TropicalAttention.T14_SettingB.
Require Import TropicalAttention.T5_SingleHead.
Require Import TropicalAttention.T6_Minkowski.
Require Import TropicalAttention.T10_Newton.
Require Import TropicalAttention.T11_ReLU.
Require Import TropicalAttention.T15_Decomposition.
Require Import TropicalAttention.T16_TopK.
Require Import TropicalAttention.T17_TopK.

Check T1_maxplus_semiring.
Print Assumptions T1_maxplus_semiring.
Check T1_minplus_semiring.
Print Assumptions T1_minplus_semiring.
Check T4_power_distance_identity.
Print Assumptions T4_power_distance_identity.
Check T4_power_diagram_equivalence.
Print Assumptions T4_power_diagram_equivalence.

Check T2_lse_sandwich.
Print Assumptions T2_lse_sandwich.
Check T2_lse_tie_gap.
Print Assumptions T2_lse_tie_gap.

Check T6_label_tuple_count.
Print Assumptions T6_label_tuple_count.

Check T6_label_tuple_count_pow.
Print Assumptions T6_label_tuple_count_pow.

Check T9_one_minus_pmax_bounds.
Print Assumptions T9_one_minus_pmax_bounds.

Check T9_l1_distance.
Print Assumptions T9_l1_distance.

Check T9_output_error_bound.
Print Assumptions T9_output_error_bound.

Check T9_softmax_l1_and_output_error.
Print Assumptions T9_softmax_l1_and_output_error.

Check T3_softmax_zero_temperature_limit.
Print Assumptions T3_softmax_zero_temperature_limit.

Check T7_bias_construction_attains_N_pow_H.
Print Assumptions T7_bias_construction_attains_N_pow_H.

Check T7_exact_count_N_pow_H.
Print Assumptions T7_exact_count_N_pow_H.

Check T9_softmax_partial_derivative.
Print Assumptions T9_softmax_partial_derivative.

Check T9_jacobian_inf_norm_bound.
Print Assumptions T9_jacobian_inf_norm_bound.

Check T1_maxplus_semiring_generic.
Print Assumptions T1_maxplus_semiring_generic.

Check T1_minplus_semiring_generic.
Print Assumptions T1_minplus_semiring_generic.

Check T1_rational_maxplus_minplus.
Print Assumptions T1_rational_maxplus_minplus.

Check T2_lse_zero_temperature_limit.
Print Assumptions T2_lse_zero_temperature_limit.

Check T14_setting_b_wall_is_a_sphere_without_segments.
Print Assumptions T14_setting_b_wall_is_a_sphere_without_segments.

Check T5_nonempty_cell_is_upper_vertex.
Print Assumptions T5_nonempty_cell_is_upper_vertex.

Check T5_at_most_N_cells.
Print Assumptions T5_at_most_N_cells.

Check T6_refinement_cell_unique_product_monomial.
Print Assumptions T6_refinement_cell_unique_product_monomial.

Check T6_refinement_cell_is_minkowski_upper_vertex.
Print Assumptions T6_refinement_cell_is_minkowski_upper_vertex.

Check T10_eval_homomorphism.
Print Assumptions T10_eval_homomorphism.

Check T10_lifted_points_minkowski.
Print Assumptions T10_lifted_points_minkowski.

Check T11_relu_layer_tropical_rational.
Print Assumptions T11_relu_layer_tropical_rational.

Check T11_relu_network_tropical_rational.
Print Assumptions T11_relu_network_tropical_rational.

Check T8_one_dimensional_endpoint_max.
Print Assumptions T8_one_dimensional_endpoint_max.

Check T8_one_dimensional_no_interior_cell.
Print Assumptions T8_one_dimensional_no_interior_cell.
Check T15_blocks_decouple.
Print Assumptions T15_blocks_decouple.
Check T15_count_is_product.
Print Assumptions T15_count_is_product.
Check T15_cells_are_products.
Print Assumptions T15_cells_are_products.
Check T17_topk_identity.
Print Assumptions T17_topk_identity.
Check T17_topk_error_diameter.
Print Assumptions T17_topk_error_diameter.
Check T17_topk_error_max_norm.
Print Assumptions T17_topk_error_max_norm.
Check T17_softmax_topk_bounds.
Print Assumptions T17_softmax_topk_bounds.
Check T16_unique_ek_argmax_is_top_set.
Print Assumptions T16_unique_ek_argmax_is_top_set.
Check T16_top_set_is_unique_ek_argmax.
Print Assumptions T16_top_set_is_unique_ek_argmax.
Check T16_top_set_iff_unique_ek_argmax.
Print Assumptions T16_top_set_iff_unique_ek_argmax.
