package io.asyncipc.transport.windows;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.sun.jna.Native;

/**
 * The real kernel32, with faults injected: every call goes to Windows, except the next few
 * calls of a function that a test told to fail. For failures that cannot be provoked on
 * demand, such as {@code CreateNamedPipe} running out of resources.
 */
final class FaultyKernel32 implements InvocationHandler {

	private final PipeKernel32 real = PipeKernel32.instance();

	private final Map<String, Fault> faults = new ConcurrentHashMap<>();

	private final PipeKernel32 proxy = (PipeKernel32) Proxy.newProxyInstance(PipeKernel32.class.getClassLoader(),
			new Class<?>[] { PipeKernel32.class }, this);

	PipeKernel32 kernel32() {
		return this.proxy;
	}

	/**
	 * Makes the next {@code times} calls of a function answer with {@code fault} instead of
	 * calling Windows.
	 * @param function the kernel32 function
	 * @param times how many calls fail
	 * @param fault what a failing call returns, or throws
	 * @return this
	 */
	FaultyKernel32 failNext(String function, int times, Function<Object[], Object> fault) {
		this.faults.put(function, new Fault(new AtomicInteger(times), new AtomicInteger(), fault));
		return this;
	}

	/**
	 * Returns how many faults of a function fired.
	 * @param function the kernel32 function
	 * @return the number of calls that failed
	 */
	int fired(String function) {
		Fault fault = this.faults.get(function);
		return (fault != null) ? fault.fired().get() : 0;
	}

	/**
	 * A failure the way Windows reports one: a result, and the thread's last error.
	 * @param error the Windows error
	 * @param result what the call returns
	 * @return the fault
	 */
	static Function<Object[], Object> failing(int error, Object result) {
		return (args) -> {
			Native.setLastError(error);
			return result;
		};
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
		if (method.getDeclaringClass() == Object.class) {
			return switch (method.getName()) {
				case "hashCode" -> System.identityHashCode(proxy);
				case "equals" -> proxy == args[0];
				default -> "FaultyKernel32";
			};
		}
		Fault fault = this.faults.get(method.getName());
		if (fault != null && fault.remaining().getAndUpdate((left) -> Math.max(left - 1, 0)) > 0) {
			fault.fired().incrementAndGet();
			return fault.answer().apply(args);
		}
		try {
			return method.invoke(this.real, args);
		}
		catch (InvocationTargetException ex) {
			throw ex.getCause();
		}
	}

	private record Fault(AtomicInteger remaining, AtomicInteger fired, Function<Object[], Object> answer) {
	}

}
