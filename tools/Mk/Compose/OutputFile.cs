using System;
using System.IO;

namespace Mk.Compose;

/// <summary>Writes generated files without touching unchanged ones (their mtimes drive make).</summary>
public static class OutputFile
{
    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> unless the file
    /// already holds exactly that; the write goes through a temporary file and a rename, so a
    /// reader never sees half a file. Returns true if the file was written.</summary>
    public static bool WriteIfChanged(string path, ReadOnlySpan<byte> content)
    {
        if (File.Exists(path))
        {
            byte[] existing = File.ReadAllBytes(path);
            if (content.SequenceEqual(existing))
            {
                return false;
            }
        }
        string temporary = path + ".tmp" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllBytes(temporary, content.ToArray());
        File.Move(temporary, path, overwrite: true);
        return true;
    }
}
