namespace Microkernel.Abi.Tests;

/// <summary>A small declaration with every argument kind, its handlers, a dispatcher and a stubs
/// class, as source for the generator; the tests vary its parts to make bad declarations.</summary>
internal static class ProbeSources
{
    public const string Table = """
        /// <summary>first(a, level).</summary>
        /// <param name="a">A number.</param>
        [SystemCall(0, "first", Handler = "Probe.Handlers.First")]
        long First(ulong a, LogSeverity level);

        /// <summary>write(text, length).</summary>
        [SystemCall(1, "write", Handler = "Probe.Handlers.Write", Rights = ProcessRights.Console, Errors = new[] { Errno.EPERM, Errno.EFAULT })]
        long Write(ReadOnlySpan<byte> text);

        /// <summary>grant(a, packed name, buffer, capacity).</summary>
        [SystemCall(2, "grant", Handler = "Probe.Handlers.Grant")]
        long Grant(ulong a, [PackedLength] ReadOnlySpan<byte> name, Span<byte> buffer);

        /// <summary>wait(a, status pointer, timeout).</summary>
        [SystemCall(3, "wait", Handler = "Probe.Handlers.Wait")]
        long Wait(ulong a, out long status, ulong timeout = 7);

        /// <summary>stop(status): does not return.</summary>
        [SystemCall(4, "stop", Handler = "Probe.Handlers.Stop", NoReturn = true)]
        void Stop(long status);

        /// <summary>tick(): a handler returning a result type.</summary>
        [SystemCall(6, "tick", Handler = "Probe.Handlers.Tick", Stub = "TickNow")]
        long Tick();
        """;

    public const string Handlers = """
        public static class Handlers
        {
            public static ulong[] Seen = new ulong[6];
            public static string Level = "";
            internal static long First(ulong a, LogSeverity level) { Seen[0] = a; Level = level.ToString(); return 100; }
            internal static long Write(ulong text, ulong length) => (long)length;
            internal static long Grant(ulong a, ulong name, ulong buffer, ulong capacity) { Seen[2] = name; return (long)capacity; }
            internal static long Wait(ulong a, ulong status, ulong timeout) => (long)timeout;
            internal static void Stop(long status) { Seen[4] = (ulong)status; }
            internal static Result Tick() => new Result(5);
        }

        public readonly struct Result
        {
            private readonly long _value;
            public Result(long value) { _value = value; }
            public static explicit operator long(Result result) => result._value;
        }
        """;

    public const string Dispatcher = """
        [SystemCallDispatcher]
        public static unsafe partial class Kernel
        {
            public struct Frame { public ulong R9, R8, R10, Rdx, Rsi, Rdi, Number; }
            public static bool Allowed = true;
            private static bool CallerHas(ProcessRights right) => Allowed && right == ProcessRights.Console;
            private static partial long Call(Frame* frame);
            public static long Enter(ulong number, ulong a0, ulong a1, ulong a2, ulong a3)
            {
                Frame frame = new Frame { Number = number, Rdi = a0, Rsi = a1, Rdx = a2, R10 = a3 };
                return Call(&frame);
            }
        }
        """;

    public const string Stubs = """
        [SystemCallStubs]
        public static unsafe partial class User
        {
            public static ulong[] Registers = new ulong[5];
            private static long Raw(ulong number, ulong a0, ulong a1, ulong a2, ulong a3)
            {
                Registers = new[] { number, a0, a1, a2, a3 };
                if (number == 3) *(long*)a1 = 42;
                if (number == 4) throw new InvalidOperationException("stop returned");
                return 9;
            }
        }

        public static class UseStubs
        {
            public static ulong[] First() { User.First(11, LogSeverity.Error); return User.Registers; }
            public static ulong[] Write() { User.Write("abc"u8); return User.Registers; }
            public static ulong[] Grant() { Span<byte> buffer = stackalloc byte[16]; User.Grant(1, "name"u8, buffer); return User.Registers; }
            public static long Wait() { User.Wait(5, out long status); return status; }
            public static ulong[] WaitDefault() { User.Wait(5, out _); return User.Registers; }
            public static ulong[] Tick() { User.TickNow(); return User.Registers; }
            public static void Stop() => User.Stop(3);
        }
        """;

    /// <summary>A declaration whose handlers all return one result type, dispatched by a
    /// partial method returning that type (as the kernel's SystemCallResult is).</summary>
    public const string TypedResult = """
        using System; using Microkernel.Abi;
        namespace Probe
        {
            [SystemCallTable]
            internal interface ITable
            {
                [SystemCall(0, "answer", Handler = "Probe.Handlers.Answer")]
                long Answer(ulong a);

                [SystemCall(1, "guarded", Handler = "Probe.Handlers.Guarded", Rights = ProcessRights.Power)]
                long Guarded();

                [SystemCall(2, "quiet", Handler = "Probe.Handlers.Quiet")]
                long Quiet();
            }

            public static class Handlers
            {
                internal static Outcome Answer(ulong a) => Outcome.Ok((long)a + 1);
                internal static Outcome Guarded() => Outcome.Ok(7);
                internal static void Quiet() { }
            }

            internal readonly struct Outcome
            {
                private readonly long _raw;
                private Outcome(long raw) { _raw = raw; }
                internal long Raw => _raw;
                internal static Outcome Ok(long value) => new Outcome(value);
                internal static Outcome Fail(long errno) => new Outcome(-errno);
            }

            [SystemCallDispatcher]
            public static unsafe partial class Kernel
            {
                public struct Frame { public ulong R10, Rdx, Rsi, Rdi, Number; }
                public static bool Allowed;
                private static bool CallerHas(ProcessRights right) => Allowed;
                private static partial Outcome Call(Frame* frame);
                public static long Enter(ulong number, ulong a0, ulong a1, ulong a2, ulong a3)
                {
                    Frame frame = new Frame { Number = number, Rdi = a0, Rsi = a1, Rdx = a2, R10 = a3 };
                    return Call(&frame).Raw;
                }
            }
        }
        """;

    /// <summary>The probe's source with <paramref name="table"/> as the interface's members and the other parts as given.</summary>
    public static string With(string table = Table, string handlers = Handlers, string dispatcher = Dispatcher, string stubs = Stubs, bool withTable = true) =>
        "using System; using Microkernel.Abi;\nnamespace Probe\n{\n"
        + (withTable ? "[SystemCallTable]\ninternal interface ITable\n{\n" + table + "\n}\n" : string.Empty)
        + handlers + "\n" + dispatcher + "\n" + stubs + "\n}\n";
}
