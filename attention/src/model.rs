//! Models with exact weights (SPEC §2, Setting A): attention heads and layers with a fixed context,
//! residual stacks with optional ReLU MLP blocks, plain ReLU networks. Every model compiles to a
//! [`PlMap`] (the general piecewise-linear form) for evaluation and region counting.
//!
//! Conventions: weights act on column vectors, `W` is `out × in` (PyTorch `nn.Linear`). A context
//! is an `N × d_model` matrix whose rows `c_j` are the hidden states of the fixed tokens.

use tropical_algebra::Scalar;

use crate::error::{shape_err, AttentionError, Result};
use crate::linalg::{add, dot, expect_len, Mat};
use crate::plmap::{NodeId, PlMap};

/// One attention head: `q = W_Q x + b_Q`, `k_j = W_K c_j + b_K`, `v_j = W_V c_j + b_V`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head<S> {
    /// `d_k × d_model`.
    pub w_q: Mat<S>,
    /// Length `d_k`.
    pub b_q: Vec<S>,
    /// `d_k × d_model`.
    pub w_k: Mat<S>,
    /// Length `d_k`.
    pub b_k: Vec<S>,
    /// `d_v × d_model`.
    pub w_v: Mat<S>,
    /// Length `d_v`.
    pub b_v: Vec<S>,
}

/// The scores of one head as affine functions of the query token (SPEC §2):
/// `s_j(x) = ⟨a_j, x⟩ + β_j` with `a_j = σ W_Qᵀ k_j`, `β_j = σ ⟨b_Q, k_j⟩`; the head is the
/// max-affine function `max_j s_j`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScoreFunction<S> {
    /// `N × d` slopes, row `j` is `a_j`.
    pub slopes: Mat<S>,
    /// Offsets `β_j`.
    pub offsets: Vec<S>,
}

impl<S: Scalar> ScoreFunction<S> {
    /// Number of keys `N`.
    pub fn keys(&self) -> usize {
        self.offsets.len()
    }
    /// Dimension of the query space.
    pub fn dim(&self) -> usize {
        self.slopes.cols()
    }
    /// All scores at `x`.
    pub fn eval(&self, x: &[S]) -> Result<Vec<S>> {
        Ok(add(&self.slopes.mul_vec(x)?, &self.offsets))
    }
    /// The argmax set at `x` (sorted; ties kept, SPEC §1).
    pub fn argmax(&self, x: &[S]) -> Result<Vec<usize>> {
        Ok(crate::plmap::argmax_set(&self.eval(x)?))
    }
    /// Substitute `x = origin + Σ_i t_i dirs_i` (`dirs` is `d × k`, columns are the directions):
    /// slopes `a_j·dirs`, offsets `β_j + ⟨a_j, origin⟩`.
    pub fn restrict(&self, origin: &[S], dirs: &Mat<S>) -> Result<ScoreFunction<S>> {
        expect_len("slice origin", origin, self.dim())?;
        if dirs.rows() != self.dim() {
            return Err(shape_err(
                "slice directions",
                format!("{} rows", self.dim()),
                format!("{}", dirs.rows()),
            ));
        }
        let slopes = self.slopes.mul(dirs)?;
        let offsets = add(&self.offsets, &self.slopes.mul_vec(origin)?);
        Ok(ScoreFunction { slopes, offsets })
    }
    /// The power diagram of SPEC T4: sites `z_j = a_j/2`, weights `w_j = ‖z_j‖² + β_j`, so that
    /// `pow_j(x) = ‖x − z_j‖² − w_j = ‖x‖² − s_j(x)` and `argmax_j s_j(x) = argmin_j pow_j(x)`.
    pub fn power_diagram_sites(&self) -> (Vec<Vec<S>>, Vec<S>) {
        let two = S::from_i64(2);
        let mut sites = Vec::with_capacity(self.keys());
        let mut weights = Vec::with_capacity(self.keys());
        for j in 0..self.keys() {
            let z: Vec<S> = self
                .slopes
                .row(j)
                .iter()
                .map(|a| a.clone() / &two)
                .collect();
            weights.push(dot(&z, &z) + &self.offsets[j]);
            sites.push(z);
        }
        (sites, weights)
    }
    /// The lifted Newton points `(a_j, β_j)` (SPEC T5/T6).
    pub fn lifted_points(&self) -> Vec<Vec<S>> {
        (0..self.keys())
            .map(|j| {
                let mut p = self.slopes.row(j).to_vec();
                p.push(self.offsets[j].clone());
                p
            })
            .collect()
    }
}

impl<S: Scalar> Head<S> {
    /// A head; checks all shapes against `d_model`.
    pub fn new(
        w_q: Mat<S>,
        b_q: Vec<S>,
        w_k: Mat<S>,
        b_k: Vec<S>,
        w_v: Mat<S>,
        b_v: Vec<S>,
    ) -> Result<Self> {
        let d = w_q.cols();
        let dk = w_q.rows();
        w_k.expect_shape("W_K", dk, d)?;
        expect_len("b_Q", &b_q, dk)?;
        expect_len("b_K", &b_k, dk)?;
        if w_v.cols() != d {
            return Err(shape_err(
                "W_V",
                format!("{d} columns (d_model)"),
                format!("{}", w_v.cols()),
            ));
        }
        expect_len("b_V", &b_v, w_v.rows())?;
        Ok(Head {
            w_q,
            b_q,
            w_k,
            b_k,
            w_v,
            b_v,
        })
    }
    /// Model width.
    pub fn d_model(&self) -> usize {
        self.w_q.cols()
    }
    /// Key/query width.
    pub fn d_k(&self) -> usize {
        self.w_q.rows()
    }
    /// Value width.
    pub fn d_v(&self) -> usize {
        self.w_v.rows()
    }
    fn check_context(&self, context: &Mat<S>) -> Result<()> {
        if context.cols() != self.d_model() {
            return Err(shape_err(
                "context",
                format!("N × {} (d_model)", self.d_model()),
                format!("{}×{}", context.rows(), context.cols()),
            ));
        }
        if context.rows() == 0 {
            return Err(AttentionError::Empty(
                "context has no tokens (N = 0)".into(),
            ));
        }
        Ok(())
    }
    /// Keys `k_j = W_K c_j + b_K` as rows (`N × d_k`).
    pub fn keys(&self, context: &Mat<S>) -> Result<Mat<S>> {
        self.check_context(context)?;
        affine_rows(&self.w_k, &self.b_k, context)
    }
    /// Values `v_j = W_V c_j + b_V` as rows (`N × d_v`).
    pub fn values(&self, context: &Mat<S>) -> Result<Mat<S>> {
        self.check_context(context)?;
        affine_rows(&self.w_v, &self.b_v, context)
    }
    /// The head's scores as affine functions of the query token, with score scale `σ > 0`.
    pub fn score_function(&self, context: &Mat<S>, scale: &S) -> Result<ScoreFunction<S>> {
        if !scale.is_positive() {
            return Err(AttentionError::Invalid(format!(
                "score scale σ = {scale} must be positive"
            )));
        }
        let keys = self.keys(context)?;
        // a_j = σ W_Qᵀ k_j  ⇔  rows of σ K W_Q;  β_j = σ ⟨b_Q, k_j⟩.
        let slopes = keys.mul(&self.w_q)?.scaled(scale);
        let offsets = (0..keys.rows())
            .map(|j| dot(&self.b_q, keys.row(j)) * scale)
            .collect();
        Ok(ScoreFunction { slopes, offsets })
    }
}

/// Rows `W c_j + b` for every row `c_j` of `rows`.
fn affine_rows<S: Scalar>(w: &Mat<S>, b: &[S], rows: &Mat<S>) -> Result<Mat<S>> {
    // rows · Wᵀ (one exact integer matrix product), then the bias.
    let prod = rows.mul(&w.transpose())?;
    let out = (0..prod.rows()).map(|j| add(prod.row(j), b)).collect();
    Ok(Mat::from_rows(out, w.rows())?)
}

/// A multi-head attention layer: `Attn(x) = W_O · concat_h(head_h(x)) + b_O` with score scale σ.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttentionLayer<S> {
    /// The heads (at least one), all with the same `d_model`.
    pub heads: Vec<Head<S>>,
    /// `d_model × Σ_h d_v`.
    pub w_o: Mat<S>,
    /// Length `d_model`.
    pub b_o: Vec<S>,
    /// Positive score scale σ (argmax and cells do not depend on it; finite temperatures do).
    pub scale: S,
}

impl<S: Scalar> AttentionLayer<S> {
    /// A layer; checks that the heads agree on `d_model` and `W_O` fits.
    pub fn new(heads: Vec<Head<S>>, w_o: Mat<S>, b_o: Vec<S>, scale: S) -> Result<Self> {
        let Some(h0) = heads.first() else {
            return Err(AttentionError::Empty(
                "attention layer with no heads".into(),
            ));
        };
        let d = h0.d_model();
        for (i, h) in heads.iter().enumerate() {
            if h.d_model() != d {
                return Err(shape_err(
                    format!("head {i}"),
                    format!("d_model {d}"),
                    format!("{}", h.d_model()),
                ));
            }
        }
        let dv: usize = heads.iter().map(|h| h.d_v()).sum();
        w_o.expect_shape("W_O", d, dv)?;
        expect_len("b_O", &b_o, d)?;
        if !scale.is_positive() {
            return Err(AttentionError::Invalid(format!(
                "score scale σ = {scale} must be positive"
            )));
        }
        Ok(AttentionLayer {
            heads,
            w_o,
            b_o,
            scale,
        })
    }
    /// Model width.
    pub fn d_model(&self) -> usize {
        self.heads[0].d_model()
    }
    /// Score functions of all heads for a context.
    pub fn score_functions(&self, context: &Mat<S>) -> Result<Vec<ScoreFunction<S>>> {
        self.heads
            .iter()
            .map(|h| h.score_function(context, &self.scale))
            .collect()
    }
    /// Score functions of the heads `heads`, in that order, for a context.
    ///
    /// # Errors
    /// [`AttentionError::Invalid`] naming the first index that is not a head of the layer; the
    /// errors of [`Head::score_function`].
    pub fn score_functions_of(
        &self,
        heads: &[usize],
        context: &Mat<S>,
    ) -> Result<Vec<ScoreFunction<S>>> {
        heads
            .iter()
            .map(|&h| {
                let head = self.heads.get(h).ok_or_else(|| {
                    AttentionError::Invalid(format!(
                        "head {h} does not exist (the layer has {} heads)",
                        self.heads.len()
                    ))
                })?;
                head.score_function(context, &self.scale)
            })
            .collect()
    }
    /// Append the layer's attention output `W_O·concat_h HardAttn_h(x) + b_O` (no residual) to `map`,
    /// reading the query from node `x`.
    pub fn compile_into(&self, map: &mut PlMap<S>, x: NodeId, context: &Mat<S>) -> Result<NodeId> {
        let mut outs = Vec::with_capacity(self.heads.len());
        for h in &self.heads {
            let sf = h.score_function(context, &self.scale)?;
            let s = map.affine(x, sf.slopes, sf.offsets)?;
            outs.push(map.argmax_mean(s, h.values(context)?)?);
        }
        let cat = if outs.len() == 1 {
            outs[0]
        } else {
            map.concat(outs)?
        };
        map.affine(cat, self.w_o.clone(), self.b_o.clone())
    }
}

/// A ReLU MLP block `y ↦ W_2 relu(W_1 y + b_1) + b_2` (added residually in a [`Block`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mlp<S> {
    /// `d_ff × d_model`.
    pub w1: Mat<S>,
    /// Length `d_ff`.
    pub b1: Vec<S>,
    /// `d_model × d_ff`.
    pub w2: Mat<S>,
    /// Length `d_model`.
    pub b2: Vec<S>,
}

impl<S: Scalar> Mlp<S> {
    /// An MLP block; checks shapes.
    pub fn new(w1: Mat<S>, b1: Vec<S>, w2: Mat<S>, b2: Vec<S>) -> Result<Self> {
        expect_len("MLP b1", &b1, w1.rows())?;
        w2.expect_shape("MLP W2", w1.cols(), w1.rows())?;
        expect_len("MLP b2", &b2, w1.cols())?;
        Ok(Mlp { w1, b1, w2, b2 })
    }
    fn compile_into(&self, map: &mut PlMap<S>, x: NodeId) -> Result<NodeId> {
        let h = map.affine(x, self.w1.clone(), self.b1.clone())?;
        let r = map.relu(h)?;
        map.affine(r, self.w2.clone(), self.b2.clone())
    }
}

/// One residual block: `y = x + Attn(x)`, then `y + MLP(y)` when an MLP is present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Block<S> {
    /// The attention layer.
    pub attention: AttentionLayer<S>,
    /// Optional ReLU MLP.
    pub mlp: Option<Mlp<S>>,
}

impl<S: Scalar> Block<S> {
    fn compile_into(&self, map: &mut PlMap<S>, x: NodeId, context: &Mat<S>) -> Result<NodeId> {
        let a = self.attention.compile_into(map, x, context)?;
        let y = map.sum(vec![x, a])?;
        match &self.mlp {
            None => Ok(y),
            Some(m) => {
                if m.w1.cols() != self.attention.d_model() {
                    return Err(shape_err(
                        "MLP W1",
                        format!("{} columns (d_model)", self.attention.d_model()),
                        format!("{}", m.w1.cols()),
                    ));
                }
                let z = m.compile_into(map, y)?;
                map.sum(vec![y, z])
            }
        }
    }
}

/// A residual stack of [`Block`]s (a transformer without LayerNorm, at zero temperature).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Model<S> {
    /// The blocks, first to last (at least one).
    pub blocks: Vec<Block<S>>,
}

impl<S: Scalar> Model<S> {
    /// A model; checks that every block has the same `d_model`.
    pub fn new(blocks: Vec<Block<S>>) -> Result<Self> {
        let Some(b0) = blocks.first() else {
            return Err(AttentionError::Empty("model with no layers".into()));
        };
        let d = b0.attention.d_model();
        for (l, b) in blocks.iter().enumerate() {
            if b.attention.d_model() != d {
                return Err(shape_err(
                    format!("layer {l}"),
                    format!("d_model {d}"),
                    format!("{}", b.attention.d_model()),
                ));
            }
        }
        Ok(Model { blocks })
    }
    /// Model width.
    pub fn d_model(&self) -> usize {
        self.blocks[0].attention.d_model()
    }
    /// Number of layers.
    pub fn layers(&self) -> usize {
        self.blocks.len()
    }
    /// The sub-model of layers `start..start+depth`.
    pub fn slice_layers(&self, start: usize, depth: usize) -> Result<Model<S>> {
        if depth == 0 || start + depth > self.blocks.len() {
            return Err(AttentionError::LayerRange {
                start,
                depth,
                layers: self.blocks.len(),
            });
        }
        Model::new(self.blocks[start..start + depth].to_vec())
    }
    /// The contexts seen by each layer: `contexts[0] = context`, and `contexts[l+1]` is every
    /// context token pushed through block `l`, attending (at zero temperature) to `contexts[l]`
    /// (all tokens, itself included). They do not depend on the query token (Setting A).
    pub fn layer_contexts(&self, context: &Mat<S>) -> Result<Vec<Mat<S>>> {
        let mut out = vec![context.clone()];
        for b in &self.blocks[..self.blocks.len() - 1] {
            let c = out.last().expect("non-empty");
            let mut map = PlMap::new(self.d_model());
            let y = b.compile_into(&mut map, 0, c)?;
            map.set_output(y)?;
            let mut rows = Vec::with_capacity(c.rows());
            for j in 0..c.rows() {
                rows.push(map.eval(c.row(j))?.output);
            }
            out.push(Mat::from_rows(rows, self.d_model())?);
        }
        Ok(out)
    }
    /// Compile the whole stack with the context the first layer receives (later layers get
    /// [`Model::layer_contexts`]) into a [`PlMap`] `Q^{d_model} → Q^{d_model}`.
    pub fn compile(&self, context: &Mat<S>) -> Result<PlMap<S>> {
        let contexts = self.layer_contexts(context)?;
        let mut map = PlMap::new(self.d_model());
        let mut x = 0;
        for (b, c) in self.blocks.iter().zip(&contexts) {
            x = b.compile_into(&mut map, x, c)?;
        }
        map.set_output(x)?;
        Ok(map)
    }
    /// Exact zero-temperature output at the query token `x` (mean over tied maximisers).
    pub fn eval(&self, context: &Mat<S>, x: &[S]) -> Result<Vec<S>> {
        Ok(self.compile(context)?.eval(x)?.output)
    }
}

/// A plain ReLU network: affine layers with ReLU between them (none after the last).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReluNet<S> {
    /// `(W_l, b_l)` for each layer, first to last.
    pub layers: Vec<(Mat<S>, Vec<S>)>,
}

impl<S: Scalar> ReluNet<S> {
    /// A network; checks that consecutive layers fit.
    pub fn new(layers: Vec<(Mat<S>, Vec<S>)>) -> Result<Self> {
        if layers.is_empty() {
            return Err(AttentionError::Empty("ReLU network with no layers".into()));
        }
        for (l, (w, b)) in layers.iter().enumerate() {
            expect_len(&format!("ReLU layer {l} bias"), b, w.rows())?;
            if l > 0 && w.cols() != layers[l - 1].0.rows() {
                return Err(shape_err(
                    format!("ReLU layer {l} weight"),
                    format!("{} columns", layers[l - 1].0.rows()),
                    format!("{}", w.cols()),
                ));
            }
        }
        Ok(ReluNet { layers })
    }
    /// Compile into a [`PlMap`].
    pub fn compile(&self) -> Result<PlMap<S>> {
        let mut map = PlMap::new(self.layers[0].0.cols());
        let mut x = 0;
        for (l, (w, b)) in self.layers.iter().enumerate() {
            x = map.affine(x, w.clone(), b.clone())?;
            if l + 1 < self.layers.len() {
                x = map.relu(x)?;
            }
        }
        map.set_output(x)?;
        Ok(map)
    }
}
