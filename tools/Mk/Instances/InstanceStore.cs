using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mk.Instances;

/// <summary>The folder of instance folders (out/instances by default).</summary>
public sealed partial class InstanceStore
{
    /// <summary>A store over <paramref name="directory"/> (created on first use).</summary>
    public InstanceStore(string directory) => Directory = directory;

    /// <summary>The folder holding one folder per instance.</summary>
    public string Directory { get; }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>Checks a user-chosen instance name (letters, digits, <c>_ . -</c>, up to 64).</summary>
    /// <exception cref="MkException">Not a usable name.</exception>
    public static void ValidateName(string name)
    {
        if (!NamePattern().IsMatch(name))
        {
            throw new MkException($"`{name}` is not a usable instance name", "use letters, digits, `_`, `.` and `-`, starting with a letter or digit", 2);
        }
    }

    /// <summary>Every instance with a readable instance.json, oldest first.</summary>
    public IReadOnlyList<Instance> List()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            return Array.Empty<Instance>();
        }

        var found = new List<Instance>();
        foreach (string dir in System.IO.Directory.EnumerateDirectories(Directory))
        {
            Instance? instance = TryOpen(dir);
            if (instance is not null)
            {
                found.Add(instance);
            }
        }
        return found.OrderBy(i => i.Info.StartedAt).ThenBy(i => i.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>The instance called <paramref name="name"/>.</summary>
    /// <exception cref="MkException">There is none.</exception>
    public Instance Get(string name)
    {
        ValidateName(name);
        return TryOpen(Path.Combine(Directory, name))
            ?? throw new MkException($"no instance called `{name}`", $"{Workspace.CommandName} ps -a lists the instances");
    }

    /// <summary>The first free name <c>IMAGE-N</c> (N from 1) with no folder yet.</summary>
    public string DefaultName(string image)
    {
        for (int n = 1; ; n++)
        {
            string name = string.Create(CultureInfo.InvariantCulture, $"{image}-{n}");
            if (!System.IO.Directory.Exists(Path.Combine(Directory, name)))
            {
                return name;
            }
        }
    }

    /// <summary>Makes an empty folder for a new instance and records <paramref name="info"/>.
    /// A folder left by an exited instance of the same name is replaced.</summary>
    /// <exception cref="MkException">An instance of that name is running.</exception>
    public Instance Create(InstanceInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        EnsureNotRunning(info.Name);
        string dir = Path.Combine(Directory, info.Name);
        if (System.IO.Directory.Exists(dir))
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }

        System.IO.Directory.CreateDirectory(dir);
        var instance = new Instance(dir, info);
        instance.Save();
        return instance;
    }

    /// <summary>Refuses a name that a running instance has.</summary>
    /// <exception cref="MkException">An instance of that name is running, or the name is not usable.</exception>
    public void EnsureNotRunning(string name)
    {
        ValidateName(name);
        Instance? existing = TryOpen(Path.Combine(Directory, name));
        if (existing is not null && existing.IsRunning)
        {
            throw new MkException($"an instance called `{name}` is running",
                $"stop it first ({Workspace.CommandName} stop {name}) or choose another --name");
        }
    }

    /// <summary>Deletes an exited instance's folder.</summary>
    /// <exception cref="MkException">It does not exist or is still running.</exception>
    public void Remove(string name)
    {
        Instance instance = Get(name);
        if (instance.IsRunning)
        {
            throw new MkException($"`{name}` is running", $"stop it first: {Workspace.CommandName} stop {name}");
        }

        System.IO.Directory.Delete(instance.Directory, recursive: true);
    }

    private static Instance? TryOpen(string dir)
    {
        string path = Path.Combine(dir, "instance.json");
        try
        {
            return File.Exists(path) ? new Instance(dir, InstanceInfo.FromJson(File.ReadAllText(path))) : null;
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
