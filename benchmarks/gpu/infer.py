#!/usr/bin/env python3
"""One perfgate trial of encoder inference: a small transformer encoder (random weights, no
download) embeds a fixed batch of token sequences, many times; latency percentiles and items/s.

perfgate runs this once per trial (docs/command-protocol.md). BMF goes to stdout as the last
line, and also to $PERFGATE_OUTPUT when that is set (file mode). Diagnostics go to stderr.

Timing: after warm-up, each forward pass is timed with CUDA events on a GPU (the GPU's own clock,
no host overhead between the events) and with time.perf_counter on the CPU.

Exit codes: 0 ok; 2 bad argument; 3 PyTorch not installed, or the requested device missing.
"""
import argparse
import json
import os
import sys


def positive_int(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    env_batch = os.environ.get("OPTIMIZATION_BATCH_SIZE", "").strip() or "32"
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=None,
        help="sequences per forward pass (default: $OPTIMIZATION_BATCH_SIZE, else 32)",
    )
    parser.add_argument("--seq-len", type=positive_int, default=128, help="tokens per sequence (128)")
    parser.add_argument("--d-model", type=positive_int, default=384, help="hidden size (384)")
    parser.add_argument("--heads", type=positive_int, default=6, help="attention heads (6)")
    parser.add_argument("--layers", type=positive_int, default=6, help="encoder layers (6)")
    parser.add_argument("--ff", type=positive_int, default=1536, help="feed-forward size (1536)")
    parser.add_argument("--vocab", type=positive_int, default=30522, help="vocabulary size (30522)")
    parser.add_argument("--warmup", type=positive_int, default=10, help="untimed passes (10)")
    parser.add_argument("--iterations", type=positive_int, default=100, help="timed passes (100)")
    parser.add_argument(
        "--device", choices=["auto", "cuda", "cpu"], default="auto", help="auto: cuda when available"
    )
    parser.add_argument(
        "--dtype",
        choices=["float32", "float16", "bfloat16"],
        default="float32",
        help="weights and activations on CUDA (the CPU always uses float32)",
    )
    parser.add_argument("--seed", type=int, default=0, help="weights and inputs (0)")
    args = parser.parse_args(argv)
    if args.batch_size is None:
        try:
            args.batch_size = positive_int(env_batch)
        except argparse.ArgumentTypeError as error:
            parser.error(f"OPTIMIZATION_BATCH_SIZE: {error}")
    if args.d_model % args.heads != 0:
        parser.error(f"--d-model ({args.d_model}) must be a multiple of --heads ({args.heads})")
    return args


def percentile(sorted_values, p):
    """Nearest rank: the smallest value with at least p % of the values at or below it."""
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil without floats
    return sorted_values[min(len(sorted_values), int(rank)) - 1]


def main(argv):
    args = parse_args(argv)  # exits 2 on a bad argument, before the slow import
    try:
        import torch
        from torch import nn
    except ImportError:
        print(
            "PyTorch not installed: install torch in this runner's Python "
            "(see benchmarks/gpu/README.md)",
            file=sys.stderr,
        )
        return 3

    if args.device == "cuda" and not torch.cuda.is_available():
        print("--device cuda: no CUDA device is available to PyTorch", file=sys.stderr)
        return 3
    use_cuda = args.device == "cuda" or (args.device == "auto" and torch.cuda.is_available())
    device = torch.device("cuda" if use_cuda else "cpu")
    dtype = getattr(torch, args.dtype) if use_cuda else torch.float32
    torch.manual_seed(args.seed)

    class Encoder(nn.Module):
        """Token embedding + positions → TransformerEncoder → mean pooling → unit vectors."""

        def __init__(self):
            super().__init__()
            self.tokens = nn.Embedding(args.vocab, args.d_model)
            self.positions = nn.Embedding(args.seq_len, args.d_model)
            layer = nn.TransformerEncoderLayer(
                args.d_model,
                args.heads,
                dim_feedforward=args.ff,
                dropout=0.0,
                activation="gelu",
                batch_first=True,
                norm_first=True,
            )
            self.encoder = nn.TransformerEncoder(
                layer, args.layers, enable_nested_tensor=False
            )

        def forward(self, ids):
            positions = torch.arange(ids.shape[1], device=ids.device)
            hidden = self.encoder(self.tokens(ids) + self.positions(positions))
            return nn.functional.normalize(hidden.mean(dim=1), dim=-1)

    model = Encoder().to(device=device, dtype=dtype).eval()
    ids = torch.randint(0, args.vocab, (args.batch_size, args.seq_len), device=device)

    name = torch.cuda.get_device_name(device) if use_cuda else "cpu"
    print(
        f"encoder on {name} ({args.dtype if use_cuda else 'float32'}): batch={args.batch_size} "
        f"seq_len={args.seq_len} d_model={args.d_model} layers={args.layers} "
        f"trial={os.environ.get('PERFGATE_TRIAL', '-')}",
        file=sys.stderr,
    )

    latencies_ms = []
    with torch.inference_mode():
        for _ in range(args.warmup):  # kernels chosen, allocator and caches warm: not timed
            model(ids)
        if use_cuda:
            torch.cuda.synchronize(device)
            torch.cuda.reset_peak_memory_stats(device)
            events = [
                (torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True))
                for _ in range(args.iterations)
            ]
            for start, end in events:
                start.record()
                model(ids)
                end.record()
            torch.cuda.synchronize(device)  # every event has happened: elapsed times are final
            latencies_ms = [start.elapsed_time(end) for start, end in events]
        else:
            import time

            for _ in range(args.iterations):
                started = time.perf_counter()
                model(ids)
                latencies_ms.append((time.perf_counter() - started) * 1000)

    latencies_ms.sort()
    total_seconds = sum(latencies_ms) / 1000
    measures = {
        "latency_p50": {"value": percentile(latencies_ms, 50), "unit": "ms"},
        "latency_p95": {"value": percentile(latencies_ms, 95), "unit": "ms"},
        "items_per_second": {
            "value": args.batch_size * args.iterations / total_seconds if total_seconds > 0 else 0.0,
            "unit": "items/s",
            "direction": "higher",
        },
    }
    if use_cuda:
        measures["gpu_memory_peak"] = {
            "value": torch.cuda.max_memory_allocated(device) / 2**20,
            "unit": "MiB",
            "direction": "lower",
        }

    bmf = json.dumps({"encoder": measures})
    output = os.environ.get("PERFGATE_OUTPUT")
    if output:
        with open(output, "w", encoding="utf-8") as file:
            file.write(bmf)
    print(bmf, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
