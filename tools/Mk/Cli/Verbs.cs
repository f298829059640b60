using System;
using System.Buffers;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Mk.Build;
using Mk.Compose;
using Mk.Instances;
using Mk.Klog;
using Mk.Manifests;

namespace Mk.Cli;

/// <summary>The verbs' bodies; Program wires them to the command line.</summary>
internal static class Verbs
{
    public static int Compose(CommandContext context, string manifestPath, string outputDirectory)
    {
        var builder = new ImageBuilder(context.Workspace, context.Out, context.Verbose);
        ImageManifest manifest = builder.LoadManifest(manifestPath);
        IReadOnlyList<string> written = ManifestCompiler.WriteOutputs(manifest, outputDirectory);
        context.Out.WriteLine($"  COMPOSE {manifestPath} -> {Path.Combine(outputDirectory, manifest.Name)}.{{manifest.msgpack,services,vars.mk}}" +
            (written.Count == 0 ? " (unchanged)" : string.Create(CultureInfo.InvariantCulture, $" ({written.Count} written)")));
        context.Out.WriteLine("          start order: " + ManifestCompiler.ServicesLine(manifest).TrimEnd());
        return 0;
    }

    public static int Build(CommandContext context, string manifestPath)
    {
        var builder = new ImageBuilder(context.Workspace, context.Out, context.Verbose);
        ImageManifest manifest = builder.LoadManifest(manifestPath);
        builder.Build(manifestPath, manifest);
        return 0;
    }

    public static Task<int> Run(CommandContext context, RunRequest request, CancellationToken cancel)
    {
        if (request.Name is not null)
        {
            InstanceStore.ValidateName(request.Name);
        }

        var runner = new InstanceRunner(context.Workspace, context.Instances, context.Out, context.Verbose);
        return runner.RunAsync(request, cancel);
    }

    public static int Ps(CommandContext context, bool all)
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        var rows = new List<string[]> { new[] { "NAME", "IMAGE", "STATE", "MEMORY", "UPTIME" } };
        foreach (Instance instance in context.Instances.List())
        {
            bool running = instance.IsRunning;
            if (!running && !all)
            {
                continue;
            }

            rows.Add(new[]
            {
                instance.Name,
                Path.GetFileNameWithoutExtension(instance.Info.Image),
                running ? "running" : "exited",
                instance.Info.Memory,
                running ? FormatDuration(now - instance.Info.StartedAt) : "-",
            });
        }
        int[] widths = Enumerable.Range(0, 5).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (string[] row in rows)
        {
            context.Out.WriteLine(string.Join("  ", row.Select((cell, c) => c == 4 ? cell : cell.PadRight(widths[c]))).TrimEnd());
        }

        return 0;
    }

    /// <summary>12s, 3m04s, 2h05m, 1d03h.</summary>
    public static string FormatDuration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        return span.TotalMinutes < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalSeconds}s")
            : span.TotalHours < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes}m{span.Seconds:D2}s")
            : span.TotalDays < 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours}h{span.Minutes:D2}m")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalDays}d{span.Hours:D2}h");
    }

    public static async Task<int> Logs(CommandContext context, string name, bool follow, CancellationToken cancel)
    {
        Instance instance = context.Instances.Get(name);
        if (!instance.Info.Detached)
        {
            throw new MkException($"`{name}` was run in the foreground: its console went to the terminal that started it",
                "run with -d to keep the console in a file that logs can show");
        }

        using Stream stdout = Console.OpenStandardOutput();
        await FileFollower.ReadAsync(instance.ConsolePath, follow, () => instance.IsRunning, (buffer, _) =>
        {
            foreach (ReadOnlyMemory<byte> segment in buffer)
            {
                stdout.Write(segment.Span);
            }

            stdout.Flush();
            return buffer.End;
        }, cancel).ConfigureAwait(false);
        return 0;
    }

    public static async Task<int> Stop(CommandContext context, string name, double timeoutSeconds, bool force, CancellationToken cancel)
    {
        if (timeoutSeconds is < 0 or > 3600)
        {
            throw new MkException("--timeout must be from 0 to 3600 seconds", null, 2);
        }

        Instance instance = context.Instances.Get(name);
        var runner = new InstanceRunner(context.Workspace, context.Instances, context.Out, context.Verbose);
        StopOutcome outcome = await runner.StopAsync(instance, TimeSpan.FromSeconds(timeoutSeconds), force, cancel).ConfigureAwait(false);
        string seconds = outcome.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture);
        string message = outcome switch
        {
            { WasRunning: false } => $"{name} is not running",
            { Ending: "powered-off" } => $"stopped {name} in {seconds}s (powered off)",
            _ when force => $"stopped {name} in {seconds}s (forced: --force)",
            { Ending: "forced" } => $"stopped {name} in {seconds}s (forced: no power-off within {timeoutSeconds.ToString(CultureInfo.InvariantCulture)}s)",
            _ => $"stopped {name} in {seconds}s (killed: QEMU ignored quit)",
        };
        context.Out.WriteLine(message);
        return 0;
    }

    public static int Rm(CommandContext context, string name)
    {
        context.Instances.Remove(name);
        context.Out.WriteLine($"removed {name}");
        return 0;
    }

    public static async Task<int> StoreGet(CommandContext context, string name, string[] entries, double timeoutSeconds, CancellationToken cancel)
    {
        Instance instance = context.Instances.Get(name);
        if (!instance.IsRunning)
        {
            throw new MkException($"{name} is not running", null, 1);
        }

        IReadOnlyList<HostLink.HostLinkReply> replies = await HostLink.HostLinkClient.GetAsync(
            instance.HostLinkPath, entries, TimeSpan.FromSeconds(timeoutSeconds), cancel).ConfigureAwait(false);
        int failures = 0;
        foreach (HostLink.HostLinkReply reply in replies)
        {
            if (reply.Status == 0)
            {
                context.Out.WriteLine($"{reply.Name} = {reply.Value} ({reply.Type})");
            }
            else
            {
                failures++;
                context.Error.WriteLine($"{reply.Name}: {HostLink.HostLinkClient.StatusName(reply.Status)}");
            }
        }
        return failures == 0 ? 0 : 1;
    }

    public static async Task<int> Klog(CommandContext context, string name, bool follow, KlogFilter filter, CancellationToken cancel)
    {
        Instance instance = context.Instances.Get(name);
        var decoder = new KlogDecoder();
        var printer = new KlogPrinter(context.Out, filter);
        var records = new List<KlogRecord>();
        await FileFollower.ReadAsync(instance.KlogPath, follow, () => instance.IsRunning, (buffer, isFinal) =>
        {
            records.Clear();
            SequencePosition used = decoder.Decode(buffer, isFinal, records);
            foreach (KlogRecord record in records)
            {
                printer.Print(record);
            }

            context.Out.Flush();
            return used;
        }, cancel).ConfigureAwait(false);
        if (context.Verbose)
        {
            context.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"klog: {decoder.RecordCount} record(s) decoded, {printer.Printed} shown, {decoder.SkippedBytes} byte(s) skipped as not a frame"));
        }

        if (decoder.RecordCount == 0)
        {
            context.Error.WriteLine($"klog: no records in {instance.KlogPath} (the kernel exports them on the second serial port)");
        }

        return 0;
    }
}
