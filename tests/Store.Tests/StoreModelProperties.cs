using System;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Microkernel.Services.Contracts;
using Microkernel.Services.Store;
using Microkernel.Tests;
using Xunit;

namespace Microkernel.Store.Tests;

public enum StoreOpKind { CreateObject, RemoveObject, Register, Acquire, Release, Get, Set, Subscribe, Poll, List, DropClient }

/// <summary>One step: who does what to which name, with which value.</summary>
public sealed record StoreOp(StoreOpKind Kind, int Client, string Name, ModelValue Value, bool Writable, string After, long? Low = null, long? High = null)
{
    public override string ToString() => $"{Kind}(c{Client}, \"{Name}\", {Value}, w={Writable}, after=\"{After}\", bounds=[{Low}, {High}])";
}

/// <summary>
/// Model-based property: random sequences of every table operation by four clients over a
/// small name space (so names collide, tables fill and queues overflow) give the same status,
/// value, listing step, event (kind, name, value, pending, dropped) and counts as
/// <see cref="StoreModel"/>, after every step.
/// </summary>
public sealed class StoreModelProperties
{
    private const int MaxEntries = 9, MaxObjects = 3, MaxClients = 3, EventCapacity = 4;

    private static readonly string[] s_objects = { "lib/x", "lib/y", "app/x", "app/y-2", "st/self" };
    private static readonly string[] s_leaves = { "e1", "e2", "v_3" };
    private static readonly string[] s_badNames = { "", "lib", "Lib/x/e1", "lib//e1", "lib/x/", "lib/x/e1/z", "lib/x/e 1", new string('a', 62) + "/b/c" };
    private static readonly string[] s_prefixes = { "", "lib/", "lib/x", "lib/x/", "app/", "st/self/", "zzz", "lib/x/e1", "BAD", new string('l', 64) };

    private static Gen<ModelValue> Value() => Gen.Frequency(
        (3, Gen.Choose(-5, 5).Select(v => new ModelValue(StoreType.Signed, (ulong)(long)v, Array.Empty<byte>()))),
        (3, Gen.Choose(0, 9).Select(v => new ModelValue(StoreType.Unsigned, (ulong)v, Array.Empty<byte>()))),
        (2, Gen.Elements(0UL, 1UL).Select(v => new ModelValue(StoreType.Boolean, v, Array.Empty<byte>()))),
        (3, Gen.Elements("", "a", "hello", "\u00e9t\u00e9").Select(s => new ModelValue(StoreType.Text, 0, Encoding.UTF8.GetBytes(s)))),
        (1, Gen.Choose(127, 130).Select(n => new ModelValue(StoreType.Text, 0, Enumerable.Repeat((byte)'x', n).ToArray()))),
        (1, Gen.Elements(StoreType.None, (StoreType)9).Select(t => new ModelValue(t, 0, Array.Empty<byte>()))));

    private static Gen<string> ObjectName() => Gen.Frequency((9, Gen.Elements(s_objects)), (1, Gen.Elements(s_badNames)));

    private static Gen<string> EntryName() => Gen.Frequency(
        (9, from o in Gen.Elements(s_objects) from l in Gen.Elements(s_leaves) select o + "/" + l),
        (1, Gen.Elements(s_badNames)));

    private static Gen<StoreOp> Op() =>
        from kind in Gen.Frequency(
            (3, Gen.Constant(StoreOpKind.CreateObject)), (2, Gen.Constant(StoreOpKind.RemoveObject)),
            (4, Gen.Constant(StoreOpKind.Register)), (2, Gen.Constant(StoreOpKind.Acquire)),
            (2, Gen.Constant(StoreOpKind.Release)), (3, Gen.Constant(StoreOpKind.Get)),
            (4, Gen.Constant(StoreOpKind.Set)), (2, Gen.Constant(StoreOpKind.Subscribe)),
            (3, Gen.Constant(StoreOpKind.Poll)), (2, Gen.Constant(StoreOpKind.List)),
            (1, Gen.Constant(StoreOpKind.DropClient)))
        from client in Gen.Choose(0, MaxClients)
        from objectName in ObjectName()
        from entryName in EntryName()
        from prefix in Gen.Elements(s_prefixes)
        from value in Value()
        from writable in Gen.Elements(true, false)
        from after in Gen.Frequency((3, Gen.Constant("")), (3, EntryName()), (1, Gen.Elements(s_prefixes)))
        from low in Gen.Frequency((2, Gen.Constant((long?)null)), (1, Gen.Choose(-3, 6).Select(v => (long?)v)))
        from high in Gen.Frequency((2, Gen.Constant((long?)null)), (1, Gen.Choose(-1, 8).Select(v => (long?)v)))
        select new StoreOp(kind, client,
            kind switch
            {
                StoreOpKind.CreateObject or StoreOpKind.RemoveObject or StoreOpKind.Acquire or StoreOpKind.Release => objectName,
                StoreOpKind.Subscribe or StoreOpKind.List => prefix,
                _ => entryName,
            },
            value, writable, after,
            // Bounds as the session would pass them: only on Register, and never negative for
            // an Unsigned entry (the wire's unsigned bounds cannot be).
            kind == StoreOpKind.Register ? Bound(low, value) : null, kind == StoreOpKind.Register ? Bound(high, value) : null);

    private static long? Bound(long? bound, ModelValue value) => value.Type == StoreType.Unsigned && bound < 0 ? null : bound;

    private static Gen<StoreOp[]> Scenario() => Gen.Sized(size => Gen.ListOf(Op(), Math.Max(20, size * 2))).Select(l => l.ToArray());

    /// <summary>A writable computed entry that refuses odd values.</summary>
    private sealed class EvenSource : IStoreEntrySource
    {
        private ulong _value;

        public StoreValue Get(Span<byte> text) => StoreValue.FromUnsigned(_value);

        public bool TrySet(in StoreValue value)
        {
            if (value.Unsigned % 2 != 0)
            {
                return false;
            }

            _value = value.Unsigned;
            return true;
        }
    }

    /// <summary>A read-only computed entry.</summary>
    private sealed class FixedSource : IStoreEntrySource
    {
        public StoreValue Get(Span<byte> text) => StoreValue.FromSigned(42);

        public bool TrySet(in StoreValue value) => throw new InvalidOperationException("never called for a read-only entry");
    }

    private static StoreValue ToValue(ModelValue v) => new StoreValue(v.Type, v.Bits, v.Text);

    private static StoreBounds ToBounds(StoreType type, long? low, long? high) =>
        StoreBounds.Of(low != null, (ulong)(low ?? 0), high != null, (ulong)(high ?? 0));

    private static ModelValue FromValue(in StoreValue v) => new(v.Type, v.Bits, v.Text.ToArray());

    private static string Str(ReadOnlySpan<byte> b) => Encoding.UTF8.GetString(b);

    [Fact]
    public void TableBehavesLikeTheModel()
    {
        PropertyCheck.ForAll(Scenario(), ops =>
        {
            var table = new StoreTable(MaxEntries, MaxObjects, MaxClients, EventCapacity);
            var model = new StoreModel(MaxEntries, MaxObjects, MaxClients, EventCapacity);
            Assert.Equal(StoreStatus.Ok, table.RegisterStatic("st/self/version"u8, StoreValue.FromText("1"u8), writable: false));
            model.AddStatic("st/self/version", new ModelValue(StoreType.Text, 0, "1"u8.ToArray()), writable: false);
            Assert.Equal(StoreStatus.Ok, table.RegisterStatic("st/self/open"u8, StoreValue.FromSigned(0), writable: true));
            model.AddStatic("st/self/open", new ModelValue(StoreType.Signed, 0, Array.Empty<byte>()), writable: true);
            Assert.Equal(StoreStatus.Ok, table.RegisterStaticSource("st/self/even"u8, StoreType.Unsigned, new EvenSource(), writable: true));
            model.AddStatic("st/self/even", new ModelValue(StoreType.Unsigned, 0, Array.Empty<byte>()), writable: true, source: "even");
            Assert.Equal(StoreStatus.Ok, table.RegisterStaticSource("st/fixed/v_3"u8, StoreType.Signed, new FixedSource(), writable: false));
            model.AddStatic("st/fixed/v_3", new ModelValue(StoreType.Signed, 42, Array.Empty<byte>()), writable: false, source: "fixed");

            for (int step = 0; step < ops.Length; step++)
            {
                StoreOp op = ops[step];
                byte[] name = Encoding.UTF8.GetBytes(op.Name);
                string where = $"step {step}: {op}";
                switch (op.Kind)
                {
                    case StoreOpKind.CreateObject:
                        Assert.True(model.CreateObject(op.Client, op.Name) == table.CreateObject(op.Client, name), where);
                        break;
                    case StoreOpKind.RemoveObject:
                        Assert.True(model.RemoveObject(op.Client, op.Name) == table.RemoveObject(op.Client, name), where);
                        break;
                    case StoreOpKind.Acquire:
                        Assert.True(model.Acquire(op.Client, op.Name) == table.Acquire(op.Client, name), where);
                        break;
                    case StoreOpKind.Release:
                        Assert.True(model.Release(op.Client, op.Name) == table.Release(op.Client, name), where);
                        break;
                    case StoreOpKind.Register:
                        Assert.Equal(model.Register(op.Client, op.Name, op.Value, op.Writable, op.Low, op.High),
                            table.Register(op.Client, name, ToValue(op.Value), op.Writable, ToBounds(op.Value.Type, op.Low, op.High)));
                        break;
                    case StoreOpKind.Set:
                        Assert.Equal(model.Set(op.Client, op.Name, op.Value), table.Set(op.Client, name, ToValue(op.Value)));
                        break;
                    case StoreOpKind.Get:
                        {
                            StoreStatus expected = model.Get(op.Name, out ModelValue expectedValue);
                            Assert.Equal(expected, table.Get(name, out StoreValue actual));
                            Assert.True(expectedValue.SameAs(FromValue(actual)), $"{where}: expected {expectedValue}, got {FromValue(actual)}");
                            break;
                        }
                    case StoreOpKind.Subscribe:
                        Assert.Equal(model.Subscribe(op.Client, op.Name), table.Subscribe(op.Client, name));
                        break;
                    case StoreOpKind.Poll:
                        {
                            ModelEvent? expected = model.Poll(op.Client, out int pending, out ulong dropped);
                            bool found = table.TryPollEvent(op.Client, out StoreEventKind kind, out ReadOnlySpan<byte> eventName, out StoreValue value, out int actualPending, out ulong actualDropped);
                            Assert.Equal(expected != null, found);
                            if (expected != null)
                            {
                                Assert.Equal(expected.Kind, kind);
                                Assert.Equal(expected.Name, Str(eventName));
                                Assert.True(expected.Value.SameAs(FromValue(value)), $"{where}: event value expected {expected.Value}, got {FromValue(value)}");
                            }

                            Assert.Equal(pending, actualPending);
                            Assert.Equal(dropped, actualDropped);
                            break;
                        }
                    case StoreOpKind.List:
                        {
                            byte[] after = Encoding.UTF8.GetBytes(op.After);
                            Assert.Equal(model.List(op.Name, op.After, out string? expectedName, out StoreType expectedType),
                                table.List(name, after, out bool found, out ReadOnlySpan<byte> listed, out StoreType type));
                            Assert.Equal(expectedName, found ? Str(listed) : null);
                            Assert.Equal(expectedType, type);
                            break;
                        }
                    case StoreOpKind.DropClient:
                        model.DropClient(op.Client);
                        table.DropClient(op.Client);
                        break;
                }

                Assert.Equal(model.EntryCount, table.EntryCount);
                Assert.Equal(model.ObjectCount, table.ObjectCount);
                Assert.Equal(model.Gets, table.Gets);
                foreach (string o in s_objects)
                {
                    Assert.Equal(model.ReferencesOf(o), table.ReferencesOf(Encoding.UTF8.GetBytes(o)));
                }
            }

            // Drain every queue at the end: nothing queued may differ either.
            for (int client = 0; client <= MaxClients; client++)
            {
                while (true)
                {
                    ModelEvent? expected = model.Poll(client, out _, out _);
                    bool found = table.TryPollEvent(client, out StoreEventKind kind, out ReadOnlySpan<byte> eventName, out _, out _, out _);
                    Assert.Equal(expected != null, found);
                    if (expected == null)
                    {
                        break;
                    }

                    Assert.Equal((expected.Kind, expected.Name), (kind, Str(eventName)));
                }
            }
        });
    }
}
