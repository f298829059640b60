using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

// Usage: ImageBench --image out/test.elf --bench memory --out bench/results/memory.json
// Boots the image twice under QEMU TCG with `-append bench=NAME`: once on the wall-clock
// TSC and once with `-icount shift=0`, where one TSC tick is one guest instruction and
// the figures repeat exactly. Writes {"image": {"accel": "tcg", "tsc_ticks": {...},
// "icount_instructions": {...}}} into the output file, keeping its other keys.
string image = Arg("--image") ?? "out/test.elf";
string bench = Arg("--bench") ?? "memory";
string output = Arg("--out") ?? $"bench/results/{bench}.json";

var ticks = Run(image, bench, icount: false);
var instructions = Run(image, bench, icount: true);
if (ticks.Count == 0 || instructions.Count == 0)
{
    Console.Error.WriteLine("ImageBench: error: the image printed no bench lines (see above)");
    return 1;
}

JsonObject root = (File.Exists(output) ? JsonNode.Parse(File.ReadAllText(output)) as JsonObject : null) ?? new JsonObject();
var section = new JsonObject
{
    ["accel"] = "tcg",
    ["tsc_ticks"] = ToJson(ticks),
    ["icount_instructions"] = ToJson(instructions),
};
root["image"] = section;
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
File.WriteAllText(output, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

Console.WriteLine($"{"figure",-32} {"TSC ticks (TCG)",16} {"instructions",14}");
foreach (string key in ticks.Keys.Where(k => k != "tsc_hz"))
    Console.WriteLine($"{key,-32} {ticks[key],16:N0} {instructions.GetValueOrDefault(key),14:N0}");
Console.WriteLine($"written to {output}");
return 0;

string? Arg(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static JsonObject ToJson(Dictionary<string, ulong> figures)
{
    var o = new JsonObject();
    foreach (var (k, v) in figures) o[k] = v;
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
        start.ArgumentList.Add(a);
    if (icount) { start.ArgumentList.Add("-icount"); start.ArgumentList.Add("shift=0"); }

    using Process qemu = Process.Start(start)!;
    var figures = new Dictionary<string, ulong>();
    string? line;
    var deadline = Stopwatch.StartNew();
    while ((line = qemu.StandardOutput.ReadLine()) != null)
    {
        line = line.TrimEnd('\r');
        if (line.StartsWith("bench: ", StringComparison.Ordinal))
        {
            string[] pair = line["bench: ".Length..].Split('=', 2);
            if (pair.Length == 2 && ulong.TryParse(pair[1], NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
                figures[pair[0]] = value;
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
