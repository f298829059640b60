using System;
using System.IO;
using System.Text.Json;

namespace ImageProfile;

/// <summary>
/// Writes the profile as JSON: the iteration count and its source, the window's figures,
/// every function (not limited by <c>--top</c>) and every image, each with raw counts and
/// per-iteration figures.
/// </summary>
public static class ProfileJson
{
    /// <summary>Writes <paramref name="profile"/> to <paramref name="output"/> (UTF-8, indented).</summary>
    public static void Write(FunctionProfile profile, Stream output)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(output);
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("iterations", profile.Iterations);
        json.WriteString("iteration_source", profile.IterationSource);
        json.WriteNumber("instructions", profile.Instructions);
        json.WriteNumber("instructions_per_iteration", Round(profile.PerIteration(profile.Instructions)));
        if (profile.Window is { } w)
        {
            json.WriteStartObject("trace");
            json.WriteNumber("instructions", w.TraceInstructions);
            json.WriteNumber("not_executed", w.NotExecuted);
            json.WriteNumber("unparsed_lines", w.UnparsedLines);
            json.WriteNumber("left_out_before", w.LeftOutBefore);
            json.WriteNumber("left_out_after", w.LeftOutAfter);
            json.WriteEndObject();
        }
        json.WriteStartArray("images");
        foreach (ImageTotal i in profile.Images)
        {
            json.WriteStartObject();
            json.WriteString("image", i.Image);
            json.WriteNumber("instructions", i.Instructions);
            json.WriteNumber("instructions_per_iteration", Round(profile.PerIteration(i.Instructions)));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("functions");
        foreach (FunctionRow r in profile.Functions)
        {
            json.WriteStartObject();
            json.WriteString("image", r.Image);
            json.WriteString("symbol", r.Symbol);
            json.WriteString("raw_symbol", r.RawSymbol);
            json.WriteNumber("instructions", r.Instructions);
            json.WriteNumber("calls", r.Calls);
            json.WriteNumber("instructions_per_iteration", Round(profile.PerIteration(r.Instructions)));
            json.WriteNumber("calls_per_iteration", Round(profile.PerIteration(r.Calls)));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>Writes <paramref name="profile"/> to the file <paramref name="path"/>, with a final newline.</summary>
    public static void WriteFile(FunctionProfile profile, string path)
    {
        using FileStream file = File.Create(path);
        Write(profile, file);
        file.WriteByte((byte)'\n');
    }

    private static double Round(double value) => Math.Round(value, 3);
}
