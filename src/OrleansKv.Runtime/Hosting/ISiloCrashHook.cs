namespace OrleansKv.Runtime;

/// <summary>Lets a test host simulate a silo crash: every loop stops, nothing is flushed or announced.</summary>
internal interface ISiloCrashHook
{
    void Crash();
}
