namespace Microkernel.UserRuntime
{
    /// <summary>What the kernel passed at start (rdi, rsi, rdx): for a service granted a
    /// channel, its handle, the address where the channel's rings are mapped, and which
    /// end it holds (0 client, 1 server). Zero when none was granted.</summary>
    public static class StartupArguments
    {
        /// <summary>Handle of the granted channel (0 = none).</summary>
        public static ulong ChannelHandle;
        /// <summary>User address of the channel's ring pages.</summary>
        public static ulong ChannelAddress;
        /// <summary>0 = client end, 1 = server end (the low byte of the third argument).</summary>
        public static ulong ChannelSide;

        /// <summary>How many times the launcher restarted this service before this run
        /// (the third argument's upper bits).</summary>
        public static ulong RestartCount;
    }
}
