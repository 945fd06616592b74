//! # What a tile part was counted from
//!
//! A [`PartInputs`] records every input that changes a tiled count: hashes of the counted
//! layers' weights, of the context and of the slice, each layer's score scale exactly, the box,
//! layers, heads and methods. [`super::merge_parts`] merges parts only when these agree and
//! names the inputs that differ.
//!
//! ## Main items
//! - [`PartInputs::of`]: the inputs of a request; [`PartInputs::fingerprint`]: one hash of them;
//!   [`PartInputs::differences`]: what differs between two parts.
//!
//! ## Implementation notes
//! The hashes are FNV-1a (64 bits) over the exact entries as text, each ended by a `0xff` byte.
//! They detect parts from another count, not tampering: a part is not a security boundary.
//!
//! ## References
//! Fowler–Noll–Vo hash, <http://www.isthe.com/chongo/tech/comp/fnv/>.

use serde::{Deserialize, Serialize};
use tropical_algebra::Scalar;

use super::invalid;
use crate::count::CountRequest;
use crate::error::Result;
use crate::linalg::Mat;
use crate::model::Model;

/// What a tile part was counted from: every input that changes the count. Parts merge only when
/// all of these agree; [`merge_parts`] names the inputs that differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartInputs {
    /// A hash (FNV-1a, 64 bits, hex) of the counted layers' weights: every head's `W_Q, b_Q,
    /// W_K, b_K, W_V, b_V`, `W_O, b_O` and the MLP weights, exact (the score scale is
    /// [`PartInputs::scale`]).
    pub model: String,
    /// The score scale σ of each counted layer, exact (`"p/q"`).
    pub scale: Vec<String>,
    /// A hash of the context (its shape and entries, exact).
    pub context: String,
    /// A hash of the slice (origin and directions, exact; `"-"` without a slice).
    pub slice: String,
    /// The box `[lo, hi]`, exact.
    pub cube: [String; 2],
    /// First layer counted (a checkpoint index).
    pub layer: usize,
    /// The checkpoint index of the first layer loaded.
    pub first_layer: usize,
    /// Layers composed.
    pub depth: usize,
    /// Heads requested (`None`: all).
    pub heads: Option<Vec<usize>>,
    /// Methods requested (empty: automatic).
    pub methods: Vec<String>,
}

impl PartInputs {
    /// The inputs of `request` on `model` and `context`. Errors: no box in the request.
    pub fn of<S: Scalar>(
        model: &Model<S>,
        context: &Mat<S>,
        request: &CountRequest<S>,
    ) -> Result<Self> {
        let Some((lo, hi)) = &request.region.cube else {
            return Err(invalid(
                "tiles: a tiled count needs a box (tiles cut the box [LO, HI]^k)".into(),
            ));
        };
        let start = request.layer.saturating_sub(request.first_layer);
        let end = start.saturating_add(request.depth).min(model.blocks.len());
        let blocks = &model.blocks[start.min(end)..end];
        let mut m = Fnv::new();
        for b in blocks {
            let a = &b.attention;
            m.put(&format!("heads {}", a.heads.len()));
            for hd in &a.heads {
                m.mat(&hd.w_q);
                m.vec(&hd.b_q);
                m.mat(&hd.w_k);
                m.vec(&hd.b_k);
                m.mat(&hd.w_v);
                m.vec(&hd.b_v);
            }
            m.mat(&a.w_o);
            m.vec(&a.b_o);
            match &b.mlp {
                None => m.put("no mlp"),
                Some(p) => {
                    m.put("mlp");
                    m.mat(&p.w1);
                    m.vec(&p.b1);
                    m.mat(&p.w2);
                    m.vec(&p.b2);
                }
            }
        }
        let mut c = Fnv::new();
        c.mat(context);
        let slice = match &request.region.slice {
            None => "-".to_string(),
            Some(s) => {
                let mut h = Fnv::new();
                h.vec(&s.origin);
                s.dirs.iter().for_each(|u| h.vec(u));
                h.hex()
            }
        };
        Ok(PartInputs {
            model: m.hex(),
            scale: blocks
                .iter()
                .map(|b| b.attention.scale.to_string())
                .collect(),
            context: c.hex(),
            slice,
            cube: [lo.to_string(), hi.to_string()],
            layer: request.layer,
            first_layer: request.first_layer,
            depth: request.depth,
            heads: request.heads.clone(),
            methods: request
                .methods
                .iter()
                .map(|m| m.name().to_string())
                .collect(),
        })
    }

    /// The fingerprint: a hash of every field.
    pub fn fingerprint(&self) -> String {
        let mut h = Fnv::new();
        h.put(&self.model);
        self.scale.iter().for_each(|s| h.put(s));
        h.put(&self.context);
        h.put(&self.slice);
        self.cube.iter().for_each(|s| h.put(s));
        h.put(&format!(
            "layer {} first {} depth {} heads {:?} methods {:?}",
            self.layer, self.first_layer, self.depth, self.heads, self.methods
        ));
        h.hex()
    }

    /// The inputs that differ from `other`, each as `name (this vs other)`.
    pub fn differences(&self, other: &PartInputs) -> Vec<String> {
        self.fields()
            .into_iter()
            .zip(other.fields())
            .filter(|((_, a), (_, b))| a != b)
            .map(|((name, a), (_, b))| format!("{name} ({a} vs {b})"))
            .collect()
    }

    /// Every field as `(name, text)`, in one order, for [`PartInputs::differences`].
    fn fields(&self) -> [(&'static str, String); 10] {
        [
            ("model weights (hash)", self.model.clone()),
            ("score scale", self.scale.join(", ")),
            ("context (hash)", self.context.clone()),
            ("slice (hash)", self.slice.clone()),
            ("box", format!("[{}, {}]", self.cube[0], self.cube[1])),
            ("layer", self.layer.to_string()),
            ("first layer loaded", self.first_layer.to_string()),
            ("depth", self.depth.to_string()),
            ("heads", format!("{:?}", self.heads)),
            ("methods", format!("{:?}", self.methods)),
        ]
    }
}

/// FNV-1a (64 bits) over strings, each ended by a `0xff` byte.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn put(&mut self, s: &str) {
        for b in s.bytes().chain(std::iter::once(0xff)) {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x100_0000_01b3);
        }
    }
    fn mat<S: Scalar>(&mut self, m: &Mat<S>) {
        self.put(&format!("{}x{}", m.rows(), m.cols()));
        m.data().iter().for_each(|x| self.put(&x.to_string()));
    }
    fn vec<S: Scalar>(&mut self, v: &[S]) {
        self.put(&v.len().to_string());
        v.iter().for_each(|x| self.put(&x.to_string()));
    }
    fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}
