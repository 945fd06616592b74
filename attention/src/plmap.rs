//! Piecewise-linear maps in a general form that every Setting-A model compiles to (SPEC §2,
//! "Deep / residual models"): affine maps, argmax selections, ReLU, sums and concatenation.
//!
//! A [`PlMap`] is a straight-line program: node 0 is the input, every later node reads earlier
//! nodes. Exact evaluation ([`PlMap::eval`]) returns the output and the *selection pattern*
//! (each argmax node's argmax **set**, each ReLU node's signs) at the point. At a point inside a
//! cell, [`PlMap::local_piece`] returns the affine map the program computes there and the closed
//! halfspaces that cut out the cell (SPEC §2 "Regions").
//!
//! Tie rule (SPEC §1): an argmax node outputs the mean of the value rows over the whole argmax set;
//! `relu(0) = 0` with sign 0.
//!
//! ```
//! use tropical_algebra::{Rat, Scalar};
//! use tropical_attention::{Mat, PlMap};
//! let r = |n| Rat::from_i64(n);
//! // f(x) = mean of value rows over argmax_j (a_j x + b_j) with scores x, -x, 0.
//! let mut m = PlMap::new(1);
//! let s = m.affine(0, Mat::from_rows(vec![vec![r(1)], vec![r(-1)], vec![r(0)]], 1).unwrap(),
//!                  vec![r(0), r(0), r(0)]).unwrap();
//! let out = m.argmax_mean(s, Mat::from_rows(vec![vec![r(10)], vec![r(20)], vec![r(30)]], 1).unwrap()).unwrap();
//! m.set_output(out).unwrap();
//! let e = m.eval(&[r(0)]).unwrap(); // three-way tie: the mean 20
//! assert_eq!(e.output, vec![r(20)]);
//! ```

use serde::Serialize;
use tropical_algebra::Scalar;

use crate::error::{shape_err, AttentionError, Result};
use crate::linalg::{dot, expect_len, Mat};
use crate::restrict_int::{IntMat, PreparedLeft};

/// Index of a node in a [`PlMap`].
pub type NodeId = usize;

/// One node of a [`PlMap`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlNode<S> {
    /// The input vector.
    Input,
    /// `weight · src + bias`.
    Affine {
        /// Source node.
        src: NodeId,
        /// `out × dim(src)` weight.
        weight: Mat<S>,
        /// Bias of length `out`.
        bias: Vec<S>,
    },
    /// Entrywise `max(·, 0)`.
    Relu {
        /// Source node.
        src: NodeId,
    },
    /// Entrywise sum of nodes of equal dimension.
    Sum {
        /// Summands.
        srcs: Vec<NodeId>,
    },
    /// Concatenation of nodes.
    Concat {
        /// Parts, in order.
        srcs: Vec<NodeId>,
    },
    /// Zero-temperature attention read-out: the mean of the rows of `values` over
    /// `argmax_j scores_j` (a set; SPEC §1). `values` is `N × d_v` with `N = dim(scores)`.
    ArgmaxMean {
        /// Node holding the N scores.
        scores: NodeId,
        /// Fixed value rows (Setting A: values depend on the fixed context only).
        values: Mat<S>,
    },
}

/// The selection made by one selecting node at a point.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Selection {
    /// The argmax set (sorted indices) of an [`PlNode::ArgmaxMean`] node.
    Argmax(Vec<usize>),
    /// Signs (−1, 0, +1) of the input of a [`PlNode::Relu`] node.
    Relu(Vec<i8>),
}

/// The selection pattern: one [`Selection`] per selecting node, in node order. Constant on a cell.
pub type Pattern = Vec<Selection>;

/// Result of [`PlMap::eval`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlEvaluation<S> {
    /// The output vector.
    pub output: Vec<S>,
    /// The selection pattern at the point.
    pub pattern: Pattern,
}

/// The affine piece of a [`PlMap`] on the cell of a generic point (see [`PlMap::local_piece`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalPiece<S> {
    /// The selection pattern of the cell.
    pub pattern: Pattern,
    /// `out × in` linear part of the map on the cell.
    pub linear: Mat<S>,
    /// Offset of the map on the cell.
    pub offset: Vec<S>,
    /// Closed halfspaces `(normal, offset)` meaning `normal·x ≤ offset` whose interiors' intersection
    /// is the cell (each from an argmax competitor or a ReLU sign; possibly redundant).
    pub constraints: Vec<(Vec<S>, S)>,
}

/// A piecewise-linear map `Q^{input_dim} → Q^{output_dim}` as a straight-line program.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlMap<S> {
    input_dim: usize,
    nodes: Vec<PlNode<S>>,
    dims: Vec<usize>,
    output: NodeId,
    weights: IntWeights,
}

/// The affine nodes' weights as integer matrices split into limbs ([`PreparedLeft`]), made on
/// the first [`PlMap::eval`] or [`PlMap::local_piece`] and reset when a node is added: a
/// cache, so cloning starts empty and equality ignores it. The walk calls `local_piece` many times per cell; the weights
/// of a checkpoint layer are hundreds of thousands of f32 values, converted once instead of at
/// every call.
#[derive(Default)]
struct IntWeights(std::sync::OnceLock<Vec<Option<PreparedLeft>>>);

impl Clone for IntWeights {
    fn clone(&self) -> Self {
        IntWeights::default()
    }
}
impl PartialEq for IntWeights {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for IntWeights {}
impl std::fmt::Debug for IntWeights {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IntWeights")
    }
}

/// Affine form `lin · x + off` of a node's vector, in the input variables.
struct Form<S> {
    lin: Mat<S>,
    off: Vec<S>,
}

impl<S: Scalar> PlMap<S> {
    /// The identity map on `Q^input_dim` (node 0 is the input and the output).
    pub fn new(input_dim: usize) -> Self {
        PlMap {
            input_dim,
            nodes: vec![PlNode::Input],
            dims: vec![input_dim],
            output: 0,
            weights: IntWeights::default(),
        }
    }
    /// Input dimension.
    pub fn input_dim(&self) -> usize {
        self.input_dim
    }
    /// Output dimension.
    pub fn output_dim(&self) -> usize {
        self.dims[self.output]
    }
    /// The nodes, in order.
    pub fn nodes(&self) -> &[PlNode<S>] {
        &self.nodes
    }
    /// Dimension of node `id`.
    pub fn dim(&self, id: NodeId) -> usize {
        self.dims[id]
    }
    /// The output node.
    pub fn output(&self) -> NodeId {
        self.output
    }
    /// Number of selecting nodes (argmax and ReLU), i.e. the length of a [`Pattern`].
    pub fn selection_count(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| matches!(n, PlNode::Relu { .. } | PlNode::ArgmaxMean { .. }))
            .count()
    }

    fn check_src(&self, id: NodeId) -> Result<()> {
        if id >= self.nodes.len() {
            return Err(AttentionError::Invalid(format!(
                "node {id} does not exist (map has {} nodes)",
                self.nodes.len()
            )));
        }
        Ok(())
    }
    fn push(&mut self, node: PlNode<S>, dim: usize) -> NodeId {
        self.weights = IntWeights::default();
        self.nodes.push(node);
        self.dims.push(dim);
        self.nodes.len() - 1
    }
    /// Append `weight · src + bias`.
    pub fn affine(&mut self, src: NodeId, weight: Mat<S>, bias: Vec<S>) -> Result<NodeId> {
        self.check_src(src)?;
        if weight.cols() != self.dims[src] {
            return Err(shape_err(
                "affine weight",
                format!("{} columns", self.dims[src]),
                format!("{}", weight.cols()),
            ));
        }
        expect_len("affine bias", &bias, weight.rows())?;
        let d = weight.rows();
        Ok(self.push(PlNode::Affine { src, weight, bias }, d))
    }
    /// Append `relu(src)`.
    pub fn relu(&mut self, src: NodeId) -> Result<NodeId> {
        self.check_src(src)?;
        let d = self.dims[src];
        Ok(self.push(PlNode::Relu { src }, d))
    }
    /// Append the sum of nodes of equal dimension.
    pub fn sum(&mut self, srcs: Vec<NodeId>) -> Result<NodeId> {
        let Some(&first) = srcs.first() else {
            return Err(AttentionError::Empty("sum of no nodes".into()));
        };
        for &s in &srcs {
            self.check_src(s)?;
            if self.dims[s] != self.dims[first] {
                return Err(shape_err(
                    "sum",
                    format!("dimension {}", self.dims[first]),
                    format!("{}", self.dims[s]),
                ));
            }
        }
        let d = self.dims[first];
        Ok(self.push(PlNode::Sum { srcs }, d))
    }
    /// Append the concatenation of nodes.
    pub fn concat(&mut self, srcs: Vec<NodeId>) -> Result<NodeId> {
        if srcs.is_empty() {
            return Err(AttentionError::Empty("concatenation of no nodes".into()));
        }
        for &s in &srcs {
            self.check_src(s)?;
        }
        let d = srcs.iter().map(|&s| self.dims[s]).sum();
        Ok(self.push(PlNode::Concat { srcs }, d))
    }
    /// Append the zero-temperature read-out `mean_{j ∈ argmax scores} values_j`.
    pub fn argmax_mean(&mut self, scores: NodeId, values: Mat<S>) -> Result<NodeId> {
        self.check_src(scores)?;
        if self.dims[scores] == 0 {
            return Err(AttentionError::Empty(
                "argmax over no scores (no keys)".into(),
            ));
        }
        if values.rows() != self.dims[scores] {
            return Err(shape_err(
                "argmax values",
                format!("{} rows (one per score)", self.dims[scores]),
                format!("{}", values.rows()),
            ));
        }
        let d = values.cols();
        Ok(self.push(PlNode::ArgmaxMean { scores, values }, d))
    }
    /// Make `id` the output node.
    pub fn set_output(&mut self, id: NodeId) -> Result<()> {
        self.check_src(id)?;
        self.output = id;
        Ok(())
    }

    /// The map `y ↦ self(weight·y + bias)` on `Q^{weight.cols()}` (restriction to an affine slice
    /// `origin + Σ s_i u_i` when `weight = [u_1 .. u_k]`, `bias = origin`).
    pub fn precompose(&self, weight: Mat<S>, bias: Vec<S>) -> Result<PlMap<S>> {
        if weight.rows() != self.input_dim {
            return Err(shape_err(
                "precomposed affine map",
                format!("{} rows", self.input_dim),
                format!("{}", weight.rows()),
            ));
        }
        let mut out = PlMap::new(weight.cols());
        out.affine(0, weight, bias)?;
        let shift = |id: NodeId| id + 1;
        for node in self.nodes.iter().skip(1) {
            let n = match node {
                PlNode::Input => unreachable!("only node 0 is the input"),
                PlNode::Affine { src, weight, bias } => PlNode::Affine {
                    src: shift(*src),
                    weight: weight.clone(),
                    bias: bias.clone(),
                },
                PlNode::Relu { src } => PlNode::Relu { src: shift(*src) },
                PlNode::Sum { srcs } => PlNode::Sum {
                    srcs: srcs.iter().map(|&s| shift(s)).collect(),
                },
                PlNode::Concat { srcs } => PlNode::Concat {
                    srcs: srcs.iter().map(|&s| shift(s)).collect(),
                },
                PlNode::ArgmaxMean { scores, values } => PlNode::ArgmaxMean {
                    scores: shift(*scores),
                    values: values.clone(),
                },
            };
            out.nodes.push(n);
        }
        out.dims.extend(self.dims.iter().skip(1).copied());
        out.output = shift(self.output);
        Ok(out)
    }

    /// Exact evaluation at `x`, with the selection pattern (argmax sets, ReLU signs; ties kept).
    pub fn eval(&self, x: &[S]) -> Result<PlEvaluation<S>> {
        expect_len("PL map input", x, self.input_dim)?;
        let mut vals: Vec<Vec<S>> = Vec::with_capacity(self.nodes.len());
        let mut pattern = Vec::new();
        for (id, node) in self.nodes.iter().enumerate() {
            let v = match node {
                PlNode::Input => x.to_vec(),
                PlNode::Affine { src, bias, .. } => {
                    let w = self.int_weights()[id].as_ref().expect("an affine node");
                    let mut y: Vec<S> = w.mul_bt(&IntMat::from_row(&vals[*src])).to_scalars();
                    for (yi, bi) in y.iter_mut().zip(bias) {
                        *yi += bi;
                    }
                    y
                }
                PlNode::Relu { src } => {
                    let v = &vals[*src];
                    pattern.push(Selection::Relu(v.iter().map(|t| t.sign() as i8).collect()));
                    v.iter()
                        .map(|t| {
                            if t.is_positive() {
                                t.clone()
                            } else {
                                S::zero()
                            }
                        })
                        .collect()
                }
                PlNode::Sum { srcs } => {
                    let mut acc = vals[srcs[0]].clone();
                    for s in &srcs[1..] {
                        for (a, b) in acc.iter_mut().zip(&vals[*s]) {
                            *a += b;
                        }
                    }
                    acc
                }
                PlNode::Concat { srcs } => {
                    srcs.iter().flat_map(|&s| vals[s].iter().cloned()).collect()
                }
                PlNode::ArgmaxMean { scores, values } => {
                    let set = argmax_set(&vals[*scores]);
                    let out = mean_rows(values, &set);
                    pattern.push(Selection::Argmax(set));
                    out
                }
            };
            vals.push(v);
        }
        Ok(PlEvaluation {
            output: vals.swap_remove(self.output),
            pattern,
        })
    }

    /// The cached integer weights, one entry per node (`Some` for affine nodes).
    fn int_weights(&self) -> &[Option<PreparedLeft>] {
        self.weights.0.get_or_init(|| {
            self.nodes
                .iter()
                .map(|n| match n {
                    PlNode::Affine { weight, .. } => Some(IntMat::from_mat(weight).prepare()),
                    _ => None,
                })
                .collect()
        })
    }

    /// At a point `x` inside a cell (SPEC §2), the cell's selection pattern, the affine map the
    /// program computes on the cell, and closed halfspaces cutting the cell out.
    ///
    /// Affine forms of every node are propagated symbolically. Scores that are the *same affine
    /// function* tie everywhere and stay together in the argmax set (duplicate keys); a ReLU input
    /// that is identically zero has constant sign 0. Errors with [`AttentionError::NotGeneric`] when
    /// `x` lies on a wall: a tie between different affine scores, or a ReLU input vanishing at `x`
    /// but not identically.
    pub fn local_piece(&self, x: &[S]) -> Result<LocalPiece<S>> {
        expect_len("PL map input", x, self.input_dim)?;
        let k = self.input_dim;
        let mut forms: Vec<Form<S>> = Vec::with_capacity(self.nodes.len());
        let mut pattern = Vec::new();
        let mut constraints = Vec::new();
        for (id, node) in self.nodes.iter().enumerate() {
            let f = match node {
                PlNode::Input => Form {
                    lin: Mat::identity(k),
                    off: vec![S::zero(); k],
                },
                PlNode::Affine { src, bias, .. } => {
                    // weight · [lin | off], one integer product (the weight split once)
                    let s = &forms[*src];
                    let w = self.int_weights()[id].as_ref().expect("an affine node");
                    // the transpose [lin | off]ᵀ, row by row: lin's columns, then off
                    let cols = k + 1;
                    let mut et = Vec::with_capacity(s.off.len() * cols);
                    for j in 0..k {
                        et.extend(s.lin.col(j).cloned());
                    }
                    et.extend(s.off.iter().cloned());
                    let ft = IntMat::from_entries(cols, s.off.len(), &et);
                    let p: Vec<S> = w.mul_bt(&ft).to_scalars();
                    let rows = w.rows();
                    let mut lin = Vec::with_capacity(rows * k);
                    let mut off = Vec::with_capacity(rows);
                    for (i, b) in bias.iter().enumerate() {
                        lin.extend_from_slice(&p[i * cols..i * cols + k]);
                        off.push(p[i * cols + k].clone() + b);
                    }
                    Form {
                        lin: Mat::new(rows, k, lin)?,
                        off,
                    }
                }
                PlNode::Relu { src } => {
                    let s = &forms[*src];
                    let mut lin = s.lin.clone();
                    let mut off = s.off.clone();
                    let mut signs = Vec::with_capacity(off.len());
                    #[allow(clippy::needless_range_loop)] // i indexes rows of lin and off together
                    for i in 0..off.len() {
                        let row = s.lin.row(i);
                        let value = dot(row, x) + &s.off[i];
                        let constant = row.iter().all(|t| t.is_zero());
                        let sign = value.sign() as i8;
                        if sign == 0 && !constant {
                            return Err(AttentionError::NotGeneric(format!(
                                "ReLU node {id} input {i} vanishes at the point"
                            )));
                        }
                        if sign > 0 {
                            if !constant {
                                // lin·x + off ≥ 0  ⇔  −lin·x ≤ off
                                constraints.push((
                                    row.iter().map(|t| -t.clone()).collect(),
                                    s.off[i].clone(),
                                ));
                            }
                        } else {
                            if !constant {
                                constraints.push((row.to_vec(), -s.off[i].clone()));
                            }
                            for j in 0..k {
                                *lin.get_mut(i, j) = S::zero();
                            }
                            off[i] = S::zero();
                        }
                        signs.push(sign);
                    }
                    pattern.push(Selection::Relu(signs));
                    Form { lin, off }
                }
                PlNode::Sum { srcs } => {
                    let mut lin = forms[srcs[0]].lin.clone();
                    let mut off = forms[srcs[0]].off.clone();
                    for s in &srcs[1..] {
                        let g = &forms[*s];
                        lin = Mat::new(
                            lin.rows(),
                            lin.cols(),
                            lin.data()
                                .iter()
                                .zip(g.lin.data())
                                .map(|(a, b)| a.clone() + b)
                                .collect(),
                        )?;
                        for (a, b) in off.iter_mut().zip(&g.off) {
                            *a += b;
                        }
                    }
                    Form { lin, off }
                }
                PlNode::Concat { srcs } => {
                    let mut rows = Vec::new();
                    let mut off = Vec::new();
                    for &s in srcs {
                        rows.extend(forms[s].lin.to_rows());
                        off.extend(forms[s].off.iter().cloned());
                    }
                    Form {
                        lin: Mat::from_rows(rows, k)?,
                        off,
                    }
                }
                PlNode::ArgmaxMean { scores, values } => {
                    let s = &forms[*scores];
                    let vals: Vec<S> = (0..s.off.len())
                        .map(|j| dot(s.lin.row(j), x) + &s.off[j])
                        .collect();
                    let set = argmax_set(&vals);
                    let m = set[0];
                    for &j in &set[1..] {
                        if s.lin.row(j) != s.lin.row(m) || s.off[j] != s.off[m] {
                            return Err(AttentionError::NotGeneric(format!("argmax node {id}: scores {m} and {j} tie at the point but differ as affine functions")));
                        }
                    }
                    for j in 0..vals.len() {
                        if set.binary_search(&j).is_ok() {
                            continue;
                        }
                        let normal: Vec<S> = s
                            .lin
                            .row(j)
                            .iter()
                            .zip(s.lin.row(m))
                            .map(|(a, b)| a.clone() - b)
                            .collect();
                        if normal.iter().all(|t| t.is_zero()) {
                            continue; // parallel score below the max everywhere
                        }
                        constraints.push((normal, s.off[m].clone() - &s.off[j]));
                    }
                    let off = mean_rows(values, &set);
                    pattern.push(Selection::Argmax(set));
                    Form {
                        lin: Mat::zeros(values.cols(), k),
                        off,
                    }
                }
            };
            forms.push(f);
        }
        let f = forms.swap_remove(self.output);
        Ok(LocalPiece {
            pattern,
            linear: f.lin,
            offset: f.off,
            constraints,
        })
    }
}

/// The argmax set of a non-empty slice (sorted indices).
pub fn argmax_set<S: PartialOrd>(s: &[S]) -> Vec<usize> {
    let mut best: Option<&S> = None;
    let mut set = Vec::new();
    for (j, v) in s.iter().enumerate() {
        match best {
            Some(b) if v < b => {}
            Some(b) if v == b => set.push(j),
            _ => {
                best = Some(v);
                set.clear();
                set.push(j);
            }
        }
    }
    set
}

/// Mean of the rows `set` of `values` (the zero-temperature read-out of SPEC §1).
pub fn mean_rows<S: Scalar>(values: &Mat<S>, set: &[usize]) -> Vec<S> {
    let mut acc = vec![S::zero(); values.cols()];
    for &j in set {
        for (a, v) in acc.iter_mut().zip(values.row(j)) {
            *a += v;
        }
    }
    let n = S::from_i64(set.len() as i64);
    acc.into_iter().map(|a| a / &n).collect()
}

/// The argmax sets of a pattern, in node order (ReLU signs left out).
pub fn argmax_labels(pattern: &Pattern) -> Vec<Vec<usize>> {
    pattern
        .iter()
        .filter_map(|s| match s {
            Selection::Argmax(v) => Some(v.clone()),
            Selection::Relu(_) => None,
        })
        .collect()
}
