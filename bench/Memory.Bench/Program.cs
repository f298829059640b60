using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using Microkernel.Memory.Heap;
using Microkernel.Memory.Heap.Tests;

namespace Microkernel.Memory.Bench;

/// <summary>
/// `make bench-memory`: allocate/free pairs per second, the slab heap against
/// NativeMemory.Alloc/Free, same loop, same run, 1 and 2 threads. Writes the "host" and
/// "ratios" keys of bench/results/memory.json (other keys in the file are kept) and prints a table.
/// </summary>
public static unsafe class Program
{
    private static readonly int[] s_sizes = { 16, 64, 256, 1024 };
    private static readonly int[] s_threadCounts = { 1, 2 };

    /// <summary>Blocks allocated before they are freed: a burst of 64 then 64 frees, so the slab
    /// heap's magazines refill and flush through the locked pools instead of ping-ponging one
    /// cached object.</summary>
    private const int Burst = 64;

    private static readonly TimeSpan s_warmup = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan s_window = TimeSpan.FromMilliseconds(700);
    private const int Runs = 2;

    private sealed record Row(string Impl, int Size, int Threads, double PairsPerS);

    public static int Main(string[] args)
    {
        string output = args.Length == 2 && args[0] == "--out" ? args[1] : Path.Combine("bench", "results", "memory.json");
        Console.WriteLine($"cpu: {CpuModel()}, {Environment.ProcessorCount} logical cores, {RuntimeInformation.FrameworkDescription}");
        Console.WriteLine($"loop: {Burst} allocations then {Burst} frees per thread, best of {Runs} x {s_window.TotalMilliseconds} ms");

        using var heap = new TestHeap(cpus: 2, quarantine: false, fillGarbage: false);
        // Let the JIT reach its optimized tier for both loops before anything is timed.
        foreach (int size in s_sizes)
        {
            Run("slab", size, 1, heap, s_warmup);
            Run("native", size, 1, heap, s_warmup);
        }

        var rows = new List<Row>();
        foreach (int threads in s_threadCounts)
        {
            foreach (int size in s_sizes)
            {
                rows.Add(Measure("slab", size, threads, heap));
                rows.Add(Measure("native", size, threads, heap));
            }
        }

        if (heap.Heap.Anomalies != 0 || heap.Heap.TotalObjectsInUse != 0)
        {
            Console.Error.WriteLine("heap accounting off after the run");
            return 1;
        }

        Write(output, rows);
        PrintTable(rows);
        return 0;
    }

    private static Row Measure(string impl, int size, int threads, TestHeap heap)
    {
        Run(impl, size, threads, heap, s_warmup);
        double best = 0;
        for (int r = 0; r < Runs; r++)
        {
            best = Math.Max(best, Run(impl, size, threads, heap, s_window));
        }

        Console.WriteLine($"  measured {impl,-6} {size,5} B x{threads}: {best.ToString("N0", CultureInfo.InvariantCulture),14} pairs/s");
        return new Row(impl, size, threads, best);
    }

    /// <summary>Runs the loop on <paramref name="threads"/> threads (thread i is CPU i) for about
    /// <paramref name="window"/>; returns total pairs per second.</summary>
    private static double Run(string impl, int size, int threads, TestHeap heap, TimeSpan window)
    {
        long total = 0;
        int stop = 0;
        using var start = new Barrier(threads + 1);
        var workers = new Thread[threads];
        for (int t = 0; t < threads; t++)
        {
            uint cpu = (uint)t;
            workers[t] = new Thread(() =>
            {
                FakeCpu.Become(cpu);
                start.SignalAndWait();
                long pairs = impl == "slab" ? SlabLoop(heap, (nuint)size, ref stop) : NativeLoop((nuint)size, ref stop);
                Interlocked.Add(ref total, pairs);
            });
            workers[t].Start();
        }

        start.SignalAndWait();
        var clock = Stopwatch.StartNew();
        Thread.Sleep(window);
        Volatile.Write(ref stop, 1);
        foreach (Thread w in workers)
        {
            w.Join();
        }

        return Interlocked.Read(ref total) / clock.Elapsed.TotalSeconds;
    }

    private static long SlabLoop(TestHeap box, nuint size, ref int stop)
    {
        ref SlabHeap<HostPages, FakeCpu, HostSpinLock> heap = ref box.Heap;
        void** blocks = stackalloc void*[Burst];
        long pairs = 0;
        while (Volatile.Read(ref stop) == 0)
        {
            for (int i = 0; i < Burst; i++)
            {
                blocks[i] = heap.Allocate(size);
            }

            for (int i = 0; i < Burst; i++)
            {
                heap.Free(blocks[i]);
            }

            pairs += Burst;
        }

        return pairs;
    }

    private static long NativeLoop(nuint size, ref int stop)
    {
        void** blocks = stackalloc void*[Burst];
        long pairs = 0;
        while (Volatile.Read(ref stop) == 0)
        {
            for (int i = 0; i < Burst; i++)
            {
                blocks[i] = NativeMemory.Alloc(size);
            }

            for (int i = 0; i < Burst; i++)
            {
                NativeMemory.Free(blocks[i]);
            }

            pairs += Burst;
        }

        return pairs;
    }

    private static void Write(string path, List<Row> rows)
    {
        JsonObject root = new();
        if (File.Exists(path))
        {
            try
            {
                if (JsonNode.Parse(File.ReadAllText(path)) is JsonObject existing)
                {
                    root = existing;
                }
            }
            catch (JsonException)
            {
                Console.Error.WriteLine($"warning: {path} is not valid JSON; rewriting it");
            }
        }

        var host = new JsonArray();
        foreach (Row r in rows)
        {
            host.Add(new JsonObject
            {
                ["impl"] = r.Impl,
                ["size"] = r.Size,
                ["threads"] = r.Threads,
                ["pairs_per_s"] = Math.Round(r.PairsPerS),
            });
        }

        var ratios = new JsonArray();
        foreach (Row slab in rows.Where(r => r.Impl == "slab"))
        {
            Row native = rows.Single(r => r.Impl == "native" && r.Size == slab.Size && r.Threads == slab.Threads);
            ratios.Add(new JsonObject
            {
                ["size"] = slab.Size,
                ["threads"] = slab.Threads,
                ["slab_over_native"] = Math.Round(slab.PairsPerS / native.PairsPerS, 3),
            });
        }

        root["host"] = host;
        root["ratios"] = ratios;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temporary = path + ".tmp";
        File.WriteAllText(temporary, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temporary, path, overwrite: true);
        Console.WriteLine($"wrote {path}");
    }

    private static void PrintTable(List<Row> rows)
    {
        Console.WriteLine();
        Console.WriteLine("| size B | threads | slab pairs/s | native pairs/s | slab/native |");
        Console.WriteLine("|-------:|--------:|-------------:|---------------:|------------:|");
        foreach (Row slab in rows.Where(r => r.Impl == "slab"))
        {
            Row native = rows.Single(r => r.Impl == "native" && r.Size == slab.Size && r.Threads == slab.Threads);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {slab.Size,6} | {slab.Threads,7} | {slab.PairsPerS,12:N0} | {native.PairsPerS,14:N0} | {slab.PairsPerS / native.PairsPerS,11:F2} |"));
        }
    }

    private static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
    }
}
