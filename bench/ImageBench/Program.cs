using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

// Usage: ImageBench --image out/test.elf --bench memory|kernel --out bench/results/X.json
// Boots the image twice under QEMU TCG with `-append bench=NAME`: once on the wall-clock
// TSC and once with `-icount shift=0`, where one TSC tick is one guest instruction and
// the figures repeat exactly. memory: writes {"image": {"accel", "tsc_ticks",
// "icount_instructions"}} into the file, keeping its other keys. kernel: writes the
// TCG medians as top-level keys (null_syscall_ticks, call_reply_ticks,
// context_switch_ticks), "accel", the call/reply to null-syscall ratio for both runs,
// and "icount_instructions".
string image = Arg("--image") ?? "out/test.elf";
string bench = Arg("--bench") ?? "memory";
string output = Arg("--out") ?? $"bench/results/{bench}.json";

Dictionary<string, ulong> ticks = Run(image, bench, icount: false);
Dictionary<string, ulong> instructions = Run(image, bench, icount: true);
if (ticks.Count == 0 || instructions.Count == 0)
{
    Console.Error.WriteLine("ImageBench: error: the image printed no bench lines (see above)");
    return 1;
}

JsonObject root = (File.Exists(output) ? JsonNode.Parse(File.ReadAllText(output)) as JsonObject : null) ?? new JsonObject();
if (bench == "services")
{
    // Rates from the same boot, as ratios to the echo ping-pong; and the images' sizes.
    root = new JsonObject { ["accel"] = "tcg" };
    foreach ((string? k, ulong v) in ticks)
    {
        root[k] = v;
    }

    root["store_get_over_echo_call"] = Ratio(ticks, "store_get_ticks", "echo_call_ticks");
    root["klog_write_over_echo_call"] = Ratio(ticks, "klog_write_ticks", "echo_call_ticks");
    root["klog_posted_record_over_echo_call"] = Ratio(ticks, "klog_posted_record_ticks", "echo_call_ticks");
    if (ticks.TryGetValue("tsc_hz", out ulong hz))
    {
        foreach (string figure in new[] { "echo_call", "store_get", "klog_write", "klog_posted_record" })
        {
            if (ticks.TryGetValue(figure + "_ticks", out ulong t) && t != 0)
            {
                root[figure + "s_per_second_tcg"] = hz / t;
            }
        }
    }
    root["icount_instructions"] = ToJson(instructions);
    root["icount_store_get_over_echo_call"] = Ratio(instructions, "store_get_ticks", "echo_call_ticks");
    root["icount_klog_posted_record_over_echo_call"] = Ratio(instructions, "klog_posted_record_ticks", "echo_call_ticks");
    foreach (string name in new[] { "default", "minimal" })
    {
        string path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(image))!, name + ".elf");
        string stripped = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(image))!, name + ".stripped.elf");
        if (File.Exists(path))
        {
            root[name + "_elf_bytes"] = new FileInfo(path).Length;
        }

        if (File.Exists(stripped))
        {
            root[name + "_stripped_elf_bytes"] = new FileInfo(stripped).Length;
        }
    }
}
else if (bench == "kernel")
{
    root = new JsonObject { ["accel"] = "tcg" };
    foreach ((string? k, ulong v) in ticks)
    {
        root[k] = v;
    }

    root["call_reply_over_null_syscall"] = Ratio(ticks, "call_reply_ticks", "null_syscall_ticks");
    root["icount_instructions"] = ToJson(instructions);
    root["icount_call_reply_over_null_syscall"] = Ratio(instructions, "call_reply_ticks", "null_syscall_ticks");
}
else
{
    root["image"] = new JsonObject
    {
        ["accel"] = "tcg",
        ["tsc_ticks"] = ToJson(ticks),
        ["icount_instructions"] = ToJson(instructions),
    };
}
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

Console.WriteLine($"{"figure",-32} {"TSC ticks (TCG)",16} {"instructions",14}");
foreach (string key in ticks.Keys.Where(k => k != "tsc_hz"))
{
    Console.WriteLine($"{key,-32} {ticks[key],16:N0} {instructions.GetValueOrDefault(key),14:N0}");
}

Console.WriteLine($"written to {output}");
return 0;

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static double Ratio(Dictionary<string, ulong> figures, string numerator, string denominator) =>
    figures.TryGetValue(numerator, out ulong n) && figures.TryGetValue(denominator, out ulong d) && d != 0
        ? Math.Round((double)n / d, 2) : 0;

static JsonObject ToJson(Dictionary<string, ulong> figures)
{
    var o = new JsonObject();
    foreach ((string? k, ulong v) in figures)
    {
        o[k] = v;
    }

    return o;
}

static Dictionary<string, ulong> Run(string image, string bench, bool icount)
{
    var start = new ProcessStartInfo("qemu-system-x86_64")
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    foreach (string a in new[] { "-kernel", image, "-append", "bench=" + bench, "-M", "pc", "-m", "128M",
                 "-accel", "tcg", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                 "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04" })
    {
        start.ArgumentList.Add(a);
    }

    if (icount) { start.ArgumentList.Add("-icount"); start.ArgumentList.Add("shift=0"); }

    using Process qemu = Process.Start(start)!;
    var figures = new Dictionary<string, ulong>();
    var benchLine = new Regex(@"^(?:\[info\] [a-z0-9_-]+: )?bench: (?<key>[^=\s]+)=(?<value>\d+)$");
    string? line;
    var deadline = Stopwatch.StartNew();
    while ((line = qemu.StandardOutput.ReadLine()) != null)
    {
        line = line.TrimEnd('\r');
        // Kernel lines are "bench: k=v"; a service's arrive as "[info] NAME: bench: k=v"
        // (the kernel names the service as the line's source).
        Match figure = benchLine.Match(line);
        if (figure.Success)
        {
            if (ulong.TryParse(figure.Groups["value"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
            {
                figures[figure.Groups["key"].Value] = value;
            }
        }
        else if (line.Contains("PANIC", StringComparison.Ordinal) || line.StartsWith("[error]", StringComparison.Ordinal))
        {
            Console.Error.WriteLine(line);
        }
        if (deadline.Elapsed > TimeSpan.FromMinutes(3)) { qemu.Kill(entireProcessTree: true); break; }
    }
    qemu.WaitForExit();
    return figures;
}
