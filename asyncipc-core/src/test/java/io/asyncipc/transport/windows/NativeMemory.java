package io.asyncipc.transport.windows;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Set;

import com.sun.jna.Memory;
import com.sun.jna.PointerType;

/**
 * Measures the native memory (JNA {@link Memory}, directly or in a {@link PointerType} such as
 * {@code IntByReference}) that one connection holds: the memory reachable through the fields
 * of its own objects (the connection, its operations), but not through what it shares with
 * others (its I/O thread and its pool of buffers, its endpoint, and the one buffer that
 * zero-byte reads point to).
 */
final class NativeMemory {

	private static final String PACKAGE = NativeMemory.class.getPackageName() + ".";

	private NativeMemory() {
	}

	static long heldBy(Object connection) {
		Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		Deque<Object> toVisit = new ArrayDeque<>();
		toVisit.add(connection);
		long bytes = 0;
		while (!toVisit.isEmpty()) {
			Object object = toVisit.poll();
			if (!seen.add(object)) {
				continue;
			}
			if (object instanceof Memory memory) {
				bytes += isShared(memory) ? 0 : memory.size();
				continue;
			}
			for (Class<?> type = object.getClass(); type != null; type = type.getSuperclass()) {
				if (!type.getName().startsWith(PACKAGE)) {
					continue;
				}
				for (Field field : type.getDeclaredFields()) {
					if (Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
						continue;
					}
					field.setAccessible(true);
					Object value = get(field, object);
					if (value instanceof PointerType reference && reference.getPointer() instanceof Memory memory) {
						// An IntByReference and the like: a small Memory of their own.
						toVisit.add(memory);
					}
					else if (value instanceof Memory || (value != null && isOwnedBy(value))) {
						toVisit.add(value);
					}
				}
			}
		}
		return bytes;
	}

	/** Memory in a static field of the connection's class, such as the one of zero-byte reads. */
	private static boolean isShared(Memory memory) {
		for (Field field : WindowsConnection.class.getDeclaredFields()) {
			if (Modifier.isStatic(field.getModifiers()) && field.getType() == Memory.class) {
				field.setAccessible(true);
				if (get(field, null) == memory) {
					return true;
				}
			}
		}
		return false;
	}

	/** Objects of the package that a connection owns, rather than shares. */
	private static boolean isOwnedBy(Object value) {
		return value.getClass().getName().startsWith(PACKAGE) && !(value instanceof PipeIoLoop)
				&& !(value instanceof BufferPool) && !(value instanceof WindowsServerEndpoint)
				&& !(value instanceof WindowsClientEndpoint);
	}

	private static Object get(Field field, Object object) {
		try {
			return field.get(object);
		}
		catch (IllegalAccessException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
