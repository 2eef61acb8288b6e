namespace OrleansKv.Runtime;

/// <summary>Marker for grain interfaces. Grains are addressed by a string key.</summary>
public interface IGrainWithStringKey
{
}

/// <summary>Implemented by grains that receive durable reminders.</summary>
public interface IRemindable
{
    /// <summary>Called, as a turn of the grain, when the reminder <paramref name="reminderName"/> is due.
    /// The grain is activated for it if it was not active.</summary>
    Task ReceiveReminderAsync(string reminderName, ReminderTick tick);
}

/// <summary>What a reminder delivery carries.</summary>
/// <param name="DueTime">When the reminder was due.</param>
/// <param name="CurrentTime">When it was delivered.</param>
public readonly record struct ReminderTick(DateTimeOffset DueTime, DateTimeOffset CurrentTime);

/// <summary>Why an activation is being deactivated.</summary>
public enum DeactivationReason
{
    /// <summary>Not called for longer than the idle timeout.</summary>
    Idle,

    /// <summary>The grain asked for it (<see cref="Grain.DeactivateOnIdle"/>).</summary>
    Requested,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,

    /// <summary>Another activation owns the grain (directory conflict or a fenced write).</summary>
    Superseded,

    /// <summary>Activation failed or the activation hit an unrecoverable error.</summary>
    Failed,

    /// <summary>Placement now prefers another silo (a silo joined).</summary>
    Rebalanced,
}
