using System;
using Microkernel.Ipc;

namespace Microkernel.Services.Supervision;

/// <summary>When the supervisor restarts a service that ended.</summary>
public enum RestartPolicy : byte
{
    /// <summary>Only when it failed (fault, throw, negative status).</summary>
    OnFailure = 0,
    /// <summary>Whenever it ended.</summary>
    Always = 1,
    /// <summary>Never.</summary>
    Never = 2,
}

/// <summary>One service of the image, as the manifest declares it.</summary>
public sealed class ServicePlan
{
    /// <summary>The carried image's name (UTF-8).</summary>
    public byte[] Name = new byte[0];
    /// <summary>Restart policy.</summary>
    public RestartPolicy Restart;
    /// <summary>Restarts allowed before giving up.</summary>
    public int MaxRestarts;
    /// <summary>Indices (into the plan list) of the services this one is a client of.</summary>
    public int[] Servers = new int[0];
    /// <summary>Indices of the services that must be started before this one.</summary>
    public int[] After = new int[0];
    /// <summary>Privileges the manifest grants (abi ProcessRights bits).</summary>
    public ulong Rights;
}

/// <summary>Decodes the compiled manifest (written by <c>./mk compose</c>, format in
/// images/README.md): a MessagePack map whose "services" array lists the services in
/// start order. Trusts nothing: every count is bounded, every name must resolve, and
/// a malformed blob yields false, never an exception.</summary>
public static class ImageManifest
{
    /// <summary>Most services an image may list.</summary>
    public const int MaxServices = 24;
    private const int MaxLinks = 8;
    private const int MaxName = 31;

    /// <summary>Decodes <paramref name="blob"/> into <paramref name="plans"/> (start
    /// order); false with <paramref name="reason"/> when it is malformed.</summary>
    public static bool TryRead(System.ReadOnlySpan<byte> blob, out ServicePlan[] plans, out string reason)
    {
        plans = new ServicePlan[0];
        var reader = new MessagePackReader(blob);
        if (!reader.TryReadMapHeader(out uint keys) || keys > 32) { reason = "not a map"; return false; }
        bool found = false;
        for (uint k = 0; k < keys; k++)
        {
            if (!reader.TryReadString(out System.ReadOnlySpan<byte> key)) { reason = "bad key"; return false; }
            if (key.SequenceEqual("services"u8))
            {
                if (!TryReadServices(ref reader, blob, out plans, out reason))
                {
                    return false;
                }

                found = true;
            }
            else if (!reader.TrySkip()) { reason = "bad value"; return false; }
        }
        if (!found) { reason = "no services"; return false; }
        reason = "";
        return true;
    }

    private static bool TryReadServices(ref MessagePackReader reader, System.ReadOnlySpan<byte> blob, out ServicePlan[] plans, out string reason)
    {
        plans = new ServicePlan[0];
        if (!reader.TryReadArrayHeader(out uint count) || count > MaxServices) { reason = "services is not a short array"; return false; }
        var result = new ServicePlan[count];
        // Names of links resolve only once every name is known: keep their positions.
        int[] serversAt = new int[count], afterAt = new int[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = new ServicePlan();
            serversAt[i] = afterAt[i] = -1;
            if (!reader.TryReadMapHeader(out uint fields) || fields > 16) { reason = "a service is not a map"; return false; }
            for (uint f = 0; f < fields; f++)
            {
                if (!reader.TryReadString(out System.ReadOnlySpan<byte> key)) { reason = "bad service key"; return false; }
                if (key.SequenceEqual("name"u8))
                {
                    if (!reader.TryReadString(out System.ReadOnlySpan<byte> name) || name.Length == 0 || name.Length > MaxName) { reason = "bad service name"; return false; }
                    result[i].Name = Copy(name);
                }
                else if (key.SequenceEqual("restart"u8))
                {
                    if (!reader.TryReadString(out System.ReadOnlySpan<byte> policy)) { reason = "bad restart"; return false; }
                    if (policy.SequenceEqual("always"u8))
                    {
                        result[i].Restart = RestartPolicy.Always;
                    }
                    else if (policy.SequenceEqual("never"u8))
                    {
                        result[i].Restart = RestartPolicy.Never;
                    }
                    else if (policy.SequenceEqual("on-failure"u8))
                    {
                        result[i].Restart = RestartPolicy.OnFailure;
                    }
                    else { reason = "unknown restart policy"; return false; }
                }
                else if (key.SequenceEqual("max_restarts"u8))
                {
                    if (!reader.TryReadUInt32(out uint max) || max > 100) { reason = "bad max_restarts"; return false; }
                    result[i].MaxRestarts = (int)max;
                }
                else if (key.SequenceEqual("channels"u8)) { serversAt[i] = reader.Position; if (!reader.TrySkip()) { reason = "bad channels"; return false; } }
                else if (key.SequenceEqual("after"u8)) { afterAt[i] = reader.Position; if (!reader.TrySkip()) { reason = "bad after"; return false; } }
                else if (key.SequenceEqual("rights"u8))
                {
                    if (!TryReadRights(ref reader, out result[i].Rights)) { reason = "bad rights"; return false; }
                }
                else if (!reader.TrySkip()) { reason = "bad service value"; return false; }
            }
            if (result[i].Name.Length == 0) { reason = "a service has no name"; return false; }
        }
        for (int i = 0; i < count; i++)
        {
            if (serversAt[i] >= 0 && !TryResolve(blob.Slice(serversAt[i]), result, i, out result[i].Servers)) { reason = "a channel names an unknown service"; return false; }
            if (afterAt[i] >= 0 && !TryResolve(blob.Slice(afterAt[i]), result, i, out result[i].After)) { reason = "after names an unknown service"; return false; }
        }
        plans = result;
        reason = "";
        return true;
    }

    /// <summary>Right names to bits: log-read 1, log-export 2, power 4, host-link 8, console 16 (abi ProcessRights).</summary>
    private static bool TryReadRights(ref MessagePackReader reader, out ulong rights)
    {
        rights = 0;
        if (!reader.TryReadArrayHeader(out uint count) || count > 8)
        {
            return false;
        }

        for (uint n = 0; n < count; n++)
        {
            if (!reader.TryReadString(out ReadOnlySpan<byte> name))
            {
                return false;
            }

            if (name.SequenceEqual("log-read"u8))
            {
                rights |= 1;
            }
            else if (name.SequenceEqual("log-export"u8))
            {
                rights |= 2;
            }
            else if (name.SequenceEqual("power"u8))
            {
                rights |= 4;
            }
            else if (name.SequenceEqual("host-link"u8))
            {
                rights |= 8;
            }
            else if (name.SequenceEqual("console"u8))
            {
                rights |= 16;
            }
            else
            {
                return false;
            }
        }
        return true;
    }

    private static bool TryResolve(System.ReadOnlySpan<byte> at, ServicePlan[] plans, int self, out int[] indices)
    {
        indices = new int[0];
        var reader = new MessagePackReader(at);
        if (!reader.TryReadArrayHeader(out uint count) || count > MaxLinks)
        {
            return false;
        }

        int[] result = new int[count];
        for (int n = 0; n < count; n++)
        {
            if (!reader.TryReadString(out System.ReadOnlySpan<byte> name))
            {
                return false;
            }

            result[n] = IndexOf(plans, name);
            if (result[n] < 0 || result[n] == self)
            {
                return false;
            }
        }
        indices = result;
        return true;
    }

    /// <summary>The index of the service called <paramref name="name"/>, or -1.</summary>
    public static int IndexOf(ServicePlan[] plans, System.ReadOnlySpan<byte> name)
    {
        for (int i = 0; i < plans.Length; i++)
        {
            if (plans[i] != null && new System.ReadOnlySpan<byte>(plans[i].Name).SequenceEqual(name))
            {
                return i;
            }
        }

        return -1;
    }

    private static byte[] Copy(System.ReadOnlySpan<byte> bytes)
    {
        byte[] copy = new byte[bytes.Length];
        bytes.CopyTo(copy);
        return copy;
    }
}
