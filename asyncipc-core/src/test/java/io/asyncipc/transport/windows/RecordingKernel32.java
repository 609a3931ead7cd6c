package io.asyncipc.transport.windows;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import com.sun.jna.Pointer;
import com.sun.jna.platform.win32.WinNT.HANDLE;

/**
 * A {@link PipeKernel32} that makes no call and records every one, with its handle argument
 * and the thread it was made on, answering each with what a test set (by default success:
 * {@code true}, a fresh handle, 0). For the close sequence, whose Windows behaviour Wine does
 * not reproduce, so that it is checked as calls rather than through Wine's answers.
 */
final class RecordingKernel32 implements InvocationHandler {

	private final List<Call> calls = new CopyOnWriteArrayList<>();

	private final Map<String, Function<Object[], Object>> answers = new ConcurrentHashMap<>();

	private final AtomicLong handles = new AtomicLong(0x1000);

	private final PipeKernel32 proxy = (PipeKernel32) Proxy.newProxyInstance(PipeKernel32.class.getClassLoader(),
			new Class<?>[] { PipeKernel32.class }, this);

	PipeKernel32 kernel32() {
		return this.proxy;
	}

	/**
	 * Answers calls of one function with what {@code answer} returns; it may block.
	 */
	RecordingKernel32 answer(String function, Function<Object[], Object> answer) {
		this.answers.put(function, answer);
		return this;
	}

	HANDLE newHandle() {
		return new HANDLE(new Pointer(this.handles.getAndIncrement()));
	}

	List<Call> calls() {
		return List.copyOf(this.calls);
	}

	List<String> functions() {
		return this.calls.stream().map(Call::function).toList();
	}

	@Override
	public Object invoke(Object proxy, Method method, Object[] args) {
		if (method.getDeclaringClass() == Object.class) {
			return switch (method.getName()) {
				case "hashCode" -> System.identityHashCode(proxy);
				case "equals" -> proxy == args[0];
				default -> "RecordingKernel32";
			};
		}
		Object handle = (args != null && args.length > 0 && args[0] instanceof HANDLE) ? args[0] : null;
		Call call = new Call(method.getName(), (HANDLE) handle, Thread.currentThread().getName(),
				new AtomicReference<>());
		this.calls.add(call);
		Function<Object[], Object> answer = this.answers.get(method.getName());
		Object result = (answer != null) ? answer.apply(args) : defaultAnswer(method.getReturnType());
		call.result().set(result);
		return result;
	}

	private Object defaultAnswer(Class<?> type) {
		if (type == boolean.class) {
			return true;
		}
		if (type == int.class) {
			return 0;
		}
		if (type == HANDLE.class) {
			return newHandle();
		}
		return null;
	}

	/**
	 * One recorded call.
	 *
	 * @param function the kernel32 function
	 * @param handle its first argument, if that is a handle
	 * @param thread the thread that called it
	 * @param result what it returned, once it returned
	 */
	record Call(String function, HANDLE handle, String thread, AtomicReference<Object> result) {

		boolean is(String name, HANDLE on) {
			return this.function.equals(name) && on.equals(this.handle);
		}

	}

}
