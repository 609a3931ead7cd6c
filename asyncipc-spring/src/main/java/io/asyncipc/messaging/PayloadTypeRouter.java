package io.asyncipc.messaging;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.asyncipc.transport.PipeConnection;

import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.core.MethodParameter;
import org.springframework.core.ResolvableType;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConverter;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.messaging.support.MessageHeaderAccessor;
import org.springframework.util.ClassUtils;
import org.springframework.util.MimeTypeUtils;

/**
 * Picks the method of a listener that receives a message, by the type of its payload. A
 * method-level {@link PipeListener} has one method, which receives a message only if it
 * accepts its type; a class-level one has its {@link PipeHandler} methods, of which one, or
 * none, receives it.
 * <p>
 * The payload type of a method is that of its {@code @Payload} parameter, or of its first
 * parameter that is not a header, the connection or the headers; for {@code Message<T>} it is
 * {@code T}. {@code byte[]}, {@code Object} and {@code Message<?>} take any payload, and in a
 * class only the default handler may take them.
 * <p>
 * The rule, in order:
 * <ol>
 * <li>With a type id ({@link PipeHeaders#TYPE_ID}, the fully qualified name of the sender's
 * class; aliases are left for later): the method whose payload type has that name; else the
 * one method whose payload type is a supertype of that class (loaded by name without being
 * initialised; an unknown name matches nothing).</li>
 * <li>Without one (the raw format, or a sender that set none): the one method with a POJO
 * payload type that the converter reads the payload into (an empty payload counts as read, so
 * that {@link PipePayloadArgumentResolver}'s rule for it applies); else the method that takes
 * a {@code String}.</li>
 * <li>Else the method that takes any payload: the default handler of a class, or a listener
 * method that takes {@code byte[]}, {@code Object} or {@code Message<?>}.</li>
 * <li>Else none: the message is not for this listener.</li>
 * </ol>
 * A {@code String} payload type is thus chosen by the type id {@code java.lang.String}, or by a
 * message without type id that no POJO method reads; JSON without type id matches every POJO
 * whose properties it fits, so two POJO methods that both read it leave it to the {@code String} method or the default.
 */
public final class PayloadTypeRouter {

	private final List<Route> routes;

	private final Route anyPayload;

	private final MessageConverter converter;

	private final ClassLoader classLoader;

	/** The type id of the last message routed by type id, and its route ({@code null}: none). */
	private volatile TypeIdRoute lastTypeId;

	private PayloadTypeRouter(List<Route> routes, MessageConverter converter, ClassLoader classLoader) {
		this.routes = routes;
		this.anyPayload = routes.stream().filter(Route::isDefault).findFirst().orElse(null);
		this.converter = converter;
		this.classLoader = classLoader;
	}

	/**
	 * Creates the router of a method-level {@link PipeListener}: its one method receives the
	 * messages whose type it accepts.
	 * @param method the listener method, bound to its bean
	 * @param converter reads payloads that carry no type id
	 * @return the router
	 */
	public static PayloadTypeRouter forMethod(InvocableHandlerMethod method, MessageConverter converter) {
		Class<?> type = payloadTypeOf(method.getMethod());
		Route route = new Route(method, type, type == null);
		return new PayloadTypeRouter(List.of(route), converter, method.getBeanType().getClassLoader());
	}

	/**
	 * Creates the router of a class-level {@link PipeListener}, and checks that its
	 * {@link PipeHandler} methods can be told apart.
	 * @param description names the listener's class and bean, for errors
	 * @param handlers the handler methods, bound to their bean
	 * @param defaults for each of them, whether it is the default
	 * @param converter reads payloads that carry no type id
	 * @return the router
	 * @throws BeanInitializationException if the class has no handler, two for one payload
	 * type, two defaults, or a handler that takes any payload and is not the default
	 */
	public static PayloadTypeRouter forClass(String description, List<InvocableHandlerMethod> handlers,
			List<Boolean> defaults, MessageConverter converter) {
		if (handlers.isEmpty()) {
			throw new BeanInitializationException(description
					+ " is annotated @PipeListener but has no @PipeHandler method; annotate the methods that "
					+ "receive messages");
		}
		List<Route> routes = new ArrayList<>();
		for (int i = 0; i < handlers.size(); i++) {
			InvocableHandlerMethod handler = handlers.get(i);
			Class<?> type = payloadTypeOf(handler.getMethod());
			Route route = new Route(handler, type, defaults.get(i));
			if (type == null && !route.isDefault()) {
				throw new BeanInitializationException(description + ": @PipeHandler method '" + route.name()
						+ "' takes any payload; mark it @PipeHandler(isDefault = true), or give it a payload type");
			}
			for (Route other : routes) {
				if (route.isDefault() && other.isDefault()) {
					throw new BeanInitializationException(description + " has two default @PipeHandler methods, '"
							+ other.name() + "' and '" + route.name() + "'; mark only one isDefault = true");
				}
				if (type != null && type == other.payloadType()) {
					throw new BeanInitializationException(description + " has two @PipeHandler methods for "
							+ type.getName() + ", '" + other.name() + "' and '" + route.name()
							+ "', so a message of that type cannot be routed; remove one, or merge them");
				}
			}
			routes.add(route);
		}
		return new PayloadTypeRouter(List.copyOf(routes), converter,
				handlers.get(0).getBeanType().getClassLoader());
	}

	/**
	 * Checks, at startup, that the converter reads a JSON payload into each payload type of
	 * this listener other than {@code String}, so that a listener of a POJO fails the
	 * application's start, naming the dependency to add, rather than each message.
	 * @param description names the listener, for the error
	 * @throws BeanInitializationException if no converter reads JSON into a payload type
	 */
	public void checkPayloadTypesReadable(String description) {
		Message<byte[]> probe = MessageBuilder.withPayload("{}".getBytes(StandardCharsets.UTF_8))
			.setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON)
			.build();
		for (Route route : this.routes) {
			Class<?> type = route.payloadType();
			if (type == null || type == String.class) {
				continue;
			}
			Object read;
			try {
				read = this.converter.fromMessage(probe, type);
			}
			catch (RuntimeException ex) {
				// A converter took it on and found the probe wanting: one exists for the type.
				continue;
			}
			if (read == null) {
				throw new BeanInitializationException(description + ": method '" + route.name() + "' takes a "
						+ type.getName() + ", and no message converter reads one from JSON; add "
						+ "spring-boot-starter-jackson (or tools.jackson.core:jackson-databind) to the dependencies, "
						+ "take String or byte[] instead, or define a MessageConverter bean named "
						+ "'asyncIpcMessageConverter'");
			}
		}
	}

	/**
	 * Returns the method that receives a message.
	 * @param message the message
	 * @return the method, or {@code null} if this listener does not accept the message
	 */
	public InvocableHandlerMethod select(Message<byte[]> message) {
		Object typeId = message.getHeaders().get(PipeHeaders.TYPE_ID);
		Route chosen = (typeId instanceof String name && !name.isEmpty()) ? byTypeId(name) : byContent(message);
		if (chosen == null) {
			chosen = this.anyPayload;
		}
		return (chosen != null) ? chosen.method() : null;
	}

	/**
	 * Returns the route of a type id: that of the type id before if it is the very same string,
	 * as the envelope's codec hands out one instance while a field's value repeats, else worked
	 * out (by name, or by loading the class) and kept for the next message.
	 */
	private Route byTypeId(String typeId) {
		TypeIdRoute last = this.lastTypeId;
		if (last != null && last.typeId() == typeId) {
			return last.route();
		}
		Route route = findByTypeId(typeId);
		this.lastTypeId = new TypeIdRoute(typeId, route);
		return route;
	}

	private Route findByTypeId(String typeId) {
		for (Route route : this.routes) {
			if (route.payloadType() != null && route.payloadType().getName().equals(typeId)) {
				return route;
			}
		}
		Class<?> type = load(typeId);
		if (type == null) {
			return null;
		}
		Route found = null;
		for (Route route : this.routes) {
			if (route.payloadType() != null && route.payloadType().isAssignableFrom(type)) {
				if (found != null) {
					return null;
				}
				found = route;
			}
		}
		return found;
	}

	private Route byContent(Message<byte[]> message) {
		Route found = null;
		Route text = null;
		boolean ambiguous = false;
		for (Route route : this.routes) {
			Class<?> type = route.payloadType();
			if (type == null) {
				continue;
			}
			if (type.isAssignableFrom(String.class)) {
				text = route;
			}
			else if (!ambiguous && reads(message, type)) {
				ambiguous = (found != null);
				found = route;
			}
		}
		return (found != null && !ambiguous) ? found : text;
	}

	private boolean reads(Message<byte[]> message, Class<?> type) {
		if (message.getPayload().length == 0) {
			// nothing to tell types apart by: the empty-message rule of PipePayloadArgumentResolver applies
			return true;
		}
		try {
			return this.converter.fromMessage(message, type) != null;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private Class<?> load(String typeId) {
		return loadType(typeId, this.classLoader);
	}

	/**
	 * Loads the class a type id names, without initialising it.
	 * @return the class, or {@code null} if the name is unknown here or not a class name
	 */
	static Class<?> loadType(String typeId, ClassLoader classLoader) {
		try {
			return ClassUtils.forName(typeId, classLoader);
		}
		catch (ClassNotFoundException | LinkageError | IllegalArgumentException ex) {
			return null;
		}
	}

	/**
	 * Returns the payload type of a listener method.
	 * @return the type, or {@code null} if it takes any payload
	 */
	static Class<?> payloadTypeOf(Method method) {
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			Class<?> type = parameter.getParameterType();
			if (parameter.hasParameterAnnotation(Header.class) || parameter.hasParameterAnnotation(Headers.class)
					|| PipeConnection.class.isAssignableFrom(type) || MessageHeaders.class.isAssignableFrom(type)
					|| MessageHeaderAccessor.class.isAssignableFrom(type)) {
				continue;
			}
			if (Message.class.isAssignableFrom(type)) {
				type = ResolvableType.forMethodParameter(parameter).as(Message.class).getGeneric(0).resolve();
			}
			return (type == null || type == Object.class || type == byte[].class) ? null : type;
		}
		return null;
	}

	private record Route(InvocableHandlerMethod method, Class<?> payloadType, boolean isDefault) {

		String name() {
			return this.method.getMethod().getName();
		}

	}

	/**
	 * A type id and the route it found, or {@code null} if none.
	 */
	private record TypeIdRoute(String typeId, Route route) {
	}

}
