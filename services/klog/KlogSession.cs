using System;
using Microkernel.Services.Contracts;

namespace Microkernel.Services.Klog;

/// <summary><see cref="IKlog"/> for one channel: each Write goes into the shared
/// <see cref="KlogCore"/>, with the channel's peer name as the source when the writer
/// gives none; a record kept is also shown on the console when a mirror is set.</summary>
public sealed class KlogSession : IKlog
{
    private readonly KlogCore _core;
    private readonly byte[] _peer = new byte[32];
    private int _peerLength;
    private readonly KlogConsoleMirror? _mirror;

    /// <summary>A session writing into <paramref name="core"/> and showing what it keeps
    /// on <paramref name="mirror"/> (none: nothing shown).</summary>
    public KlogSession(KlogCore core, KlogConsoleMirror? mirror = null)
    {
        _core = core;
        _mirror = mirror;
    }

    /// <summary>Sets the name used for records written with an empty source.</summary>
    public void SetPeer(ReadOnlySpan<byte> name)
    {
        _peerLength = Math.Min(name.Length, _peer.Length);
        name.Slice(0, _peerLength).CopyTo(_peer);
    }

    /// <inheritdoc />
    public KlogWriteReply Write(in KlogWriteRequest request)
    {
        ReadOnlySpan<byte> source = request.Source.IsEmpty ? new ReadOnlySpan<byte>(_peer, 0, _peerLength) : request.Source;
        KlogStatus status = _core.Accept((byte)request.Level, source, request.Text, _core.NowNs, 0, request.Sequence);
        if (status == KlogStatus.Ok)
        {
            _mirror?.Show((byte)request.Level, source, request.Text);
        }

        return new KlogWriteReply { Status = status, Dropped = _core.LostTotal };
    }
}
