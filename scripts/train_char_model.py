"""Chapter 12's long training: the character LSTM and the plain RNN whose weights the chapter opens up.

    python scripts/train_char_model.py                 # both models, writes lstm_tutorial/datasets/char_*.npz
    python scripts/train_char_model.py --kind lstm     # one of them
    python scripts/train_char_model.py --steps 50 --out-dir /tmp/x   # a short trial
    python scripts/train_char_model.py --seed 1 --out-dir /tmp/seed1  # the same run from another seed
    python scripts/train_char_model.py --table lstm_tutorial/datasets/char_seeds.csv \
        lstm_tutorial/datasets/char_*.npz /tmp/seed*/char_*.npz       # the seeds' table the chapter reads

Every run: the corpus of ``lstm_tutorial.data.load_char_corpus()`` (the
package's own source code, the last 10% held out), the vocabulary of
``char_vocab`` over the whole file, one-hot inputs, one recurrent layer of 96
units (``train.init_classifier(kind, V, 96, output_size=V, seed=0)``), a
softmax output over the characters, ``charmodel.train_char_model``: chunks of
64 characters from 32 streams read side by side, the state carried from chunk
to chunk, Adam (learning rate 0.003), gradient norm clipped to 1, 3,000
updates, one BLAS thread. The held-out bits per character are measured every
200 updates. The LSTM and the RNN are trained exactly the same way.

Each ``.npz`` holds the parameters (float32, ``cell_W_f`` ... ``W_y``,
``b_y``), the settings, the training loss of every update (float64, nats per
character), the held-out curve, and the CPU seconds of the run. Nothing in it
needs pickle: ``charmodel.load_char_model`` reads it with
``allow_pickle=False``. The run draws no random numbers beyond the seeded
initialisation, so its losses repeat exactly on the same library versions;
``tests/test_char_model_script.py`` reruns the first updates and compares
them with the losses stored here.

The shipped weights are seed 0. Seeds 1 and 2 were run the same way (only
the initialisation differs) and only their held-out scores are shipped, in
``char_seeds.csv`` (one row per run: kind, seed, updates, the final held-out
bits per character and the lowest point of the held-out curve), so the
chapter can give the spread over seeds.

What is left out: other sizes, other learning rates, more seeds (one run of
each model takes 10 to 20 minutes on a shared 2-core machine).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from lstm_tutorial import charmodel, data, train

ROOT = Path(__file__).resolve().parents[1]
OUT_DIR = ROOT / "lstm_tutorial" / "datasets"
SETTINGS = {"hidden": 96, "steps": 3000, "seq_len": 64, "batch_size": 32, "lr": 3e-3, "max_norm": 1.0, "seed": 0}
EVAL_EVERY = 200


def corpus_ids() -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Training ids, validation ids and the vocabulary of the shipped corpus."""
    train_text, valid_text = data.load_char_corpus()
    vocab = data.char_vocab(train_text + valid_text)
    return data.encode_tokens(list(train_text), vocab), data.encode_tokens(list(valid_text), vocab), vocab


def run(
    kind: str, steps: int, *, valid: bool = True, progress: bool = True, seed: int | None = None
) -> tuple[dict[str, Any], dict[str, list[float]], float]:
    """Train one model with ``SETTINGS`` (another ``seed`` if given) for ``steps`` updates: ``(model, history, cpu_seconds)``."""
    train_ids, valid_ids, vocab = corpus_ids()
    s = dict(SETTINGS) if seed is None else {**SETTINGS, "seed": seed}
    model = train.init_classifier(kind, len(vocab), s["hidden"], output_size=len(vocab), seed=s["seed"])
    start = time.process_time()
    history = charmodel.train_char_model(
        model,
        train_ids,
        steps=steps,
        seq_len=s["seq_len"],
        batch_size=s["batch_size"],
        lr=s["lr"],
        max_norm=s["max_norm"],
        valid_ids=valid_ids if valid else None,
        eval_every=EVAL_EVERY,
        progress=progress,
        desc=kind,
    )
    return model, history, time.process_time() - start


def save(
    path: Path, kind: str, model: dict[str, Any], history: dict[str, list[float]], cpu_s: float, steps: int, seed: int | None = None
) -> None:
    """Write one model and its record to ``path`` (no pickled objects)."""
    arrays = {f"cell_{name}": np.asarray(a, np.float32) for name, a in zip(model["cell"]._fields, model["cell"])}
    arrays["W_y"] = np.asarray(model["W_y"], np.float32)
    arrays["b_y"] = np.asarray(model["b_y"], np.float32)
    np.savez_compressed(
        path,
        kind=np.array(kind),
        **arrays,
        **{k: np.array(v) for k, v in SETTINGS.items() if k not in ("steps", "seed")},
        seed=np.array(SETTINGS["seed"] if seed is None else seed),
        steps=np.array(steps),
        loss=np.array(history["loss"], np.float64),
        eval_step=np.array(history.get("eval_step", []), np.int64),
        valid_bpc=np.array(history.get("valid_bpc", []), np.float64),
        cpu_seconds=np.array(cpu_s),
    )


def write_table(path: Path, npz_files: list[Path]) -> None:
    """One CSV row per run: kind, seed, steps, final and lowest held-out bits per character (``repr`` floats)."""
    rows = []
    for f in npz_files:
        with np.load(f, allow_pickle=False) as z:
            bpc = z["valid_bpc"]
            rows.append((str(z["kind"]), int(z["seed"]), int(z["steps"]), repr(float(bpc[-1])), repr(float(bpc.min()))))
    rows.sort()
    lines = ["kind,seed,steps,final_valid_bpc,best_valid_bpc"] + [",".join(map(str, r)) for r in rows]
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kind", choices=("lstm", "rnn", "both"), default="both")
    parser.add_argument("--steps", type=int, default=SETTINGS["steps"])
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR)
    parser.add_argument("--seed", type=int, default=SETTINGS["seed"])
    parser.add_argument("--table", type=Path, help="write the seeds' table to this CSV from the .npz files given")
    parser.add_argument("npz", nargs="*", type=Path)
    args = parser.parse_args(argv)
    if args.table:
        write_table(args.table, args.npz)
        return
    args.out_dir.mkdir(parents=True, exist_ok=True)
    for kind in ("lstm", "rnn") if args.kind == "both" else (args.kind,):
        model, history, cpu_s = run(kind, args.steps, seed=args.seed)
        path = args.out_dir / f"char_{kind}.npz"
        save(path, kind, model, history, cpu_s, args.steps, seed=args.seed)
        print(f"{kind}: held-out bits per character {history['valid_bpc'][-1]:.4f} after {args.steps} updates, "
              f"{cpu_s:.0f} CPU s -> {path}")


if __name__ == "__main__":
    main()
