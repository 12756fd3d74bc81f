// The papers the experiments reproduce: one citation each, shared by the experiments that use it.
// ALL_PAPERS lets reports spell out any paper's short key, cited by the experiment or not.

import type { PaperCitation } from "./experiment.js";

export const MAHANKALI_2023: PaperCitation = {
  authors: "Mahankali, HaoChen, Dong, Glasgow, Ma",
  year: 2023,
  title: "Beyond NTK with Vanilla Gradient Descent: A Mean-Field Analysis of Neural Networks with Polynomial Width, Samples, and Time",
  arxiv: "2306.16361",
  venue: "NeurIPS",
};

export const MEI_MONTANARI_NGUYEN_2018: PaperCitation = {
  authors: "Mei, Montanari, Nguyen",
  year: 2018,
  title: "A mean field view of the landscape of two-layer neural networks",
  arxiv: "1804.06561",
  venue: "PNAS",
  abbreviation: "MMN18",
};

export const CHIZAT_OYALLON_BACH_2019: PaperCitation = {
  authors: "Chizat, Oyallon, Bach",
  year: 2019,
  title: "On Lazy Training in Differentiable Programming",
  arxiv: "1812.07956",
  venue: "NeurIPS",
  abbreviation: "COB19",
};

export const BERTHIER_MONTANARI_ZHOU_2023: PaperCitation = {
  authors: "Berthier, Montanari, Zhou",
  year: 2023,
  title: "Learning time-scales in two-layers neural networks",
  arxiv: "2303.00055",
  abbreviation: "BMZ23",
};

export const ABBE_BOIX_MISIAKIEWICZ_2022: PaperCitation = {
  authors: "Abbe, Boix-Adserà, Misiakiewicz",
  year: 2022,
  title: "The merged-staircase property: a necessary and nearly sufficient condition for SGD learning of sparse functions on two-layer neural networks",
  arxiv: "2202.08658",
  venue: "COLT",
  abbreviation: "ABAM22",
};

export const BEN_AROUS_GHEISSARI_JAGANNATH_2021: PaperCitation = {
  authors: "Ben Arous, Gheissari, Jagannath",
  year: 2021,
  title: "Online stochastic gradient descent on non-convex losses from high-dimensional inference",
  arxiv: "2003.10409",
  venue: "JMLR",
};

export const LI_MA_ZHANG_2020: PaperCitation = {
  authors: "Li, Ma, Zhang",
  year: 2020,
  title: "Learning Over-Parametrized Two-Layer ReLU Neural Networks beyond NTK",
  arxiv: "2007.04596",
  venue: "COLT",
  abbreviation: "LMZ20",
};

export const CHEN_GE_2024: PaperCitation = {
  authors: "Chen, Ge",
  year: 2024,
  title: "Mean-Field Analysis for Learning Subspace-Sparse Polynomials with Gaussian Input",
  arxiv: "2402.08948",
  abbreviation: "CG24",
};

export const TAKAKURA_SUZUKI_2024: PaperCitation = {
  authors: "Takakura, Suzuki",
  year: 2024,
  title: "Mean-field Analysis on Two-layer Neural Networks from a Kernel Perspective",
  arxiv: "2403.14917",
  venue: "ICML",
  abbreviation: "TS24",
};

export const SAAD_SOLLA_1995: PaperCitation = {
  authors: "Saad, Solla",
  year: 1995,
  title: "On-line learning in soft committee machines",
  doi: "10.1103/PhysRevE.52.4225",
  venue: "Physical Review E 52, 4225",
};

export const GOLDT_2019: PaperCitation = {
  authors: "Goldt, Advani, Saxe, Krzakala, Zdeborová",
  year: 2019,
  title: "Dynamics of stochastic gradient descent for two-layer neural networks in the teacher-student setup",
  arxiv: "1906.08632",
  venue: "NeurIPS",
};

export const MEI_MISIAKIEWICZ_MONTANARI_2019: PaperCitation = {
  authors: "Mei, Misiakiewicz, Montanari",
  year: 2019,
  title: "Mean-field theory of two-layers neural networks: dimension-free bounds and kernel limit",
  arxiv: "1902.06015",
  venue: "COLT",
  abbreviation: "MMM19",
};

/** Every paper above, for reports that spell out short keys (an experiment's text may name a paper it does not reproduce). */
export const ALL_PAPERS: readonly PaperCitation[] = [
  MAHANKALI_2023,
  MEI_MONTANARI_NGUYEN_2018,
  CHIZAT_OYALLON_BACH_2019,
  BERTHIER_MONTANARI_ZHOU_2023,
  ABBE_BOIX_MISIAKIEWICZ_2022,
  BEN_AROUS_GHEISSARI_JAGANNATH_2021,
  LI_MA_ZHANG_2020,
  CHEN_GE_2024,
  TAKAKURA_SUZUKI_2024,
  SAAD_SOLLA_1995,
  GOLDT_2019,
  MEI_MISIAKIEWICZ_MONTANARI_2019,
];
