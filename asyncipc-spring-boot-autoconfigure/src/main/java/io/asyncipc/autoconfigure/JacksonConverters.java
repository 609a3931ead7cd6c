package io.asyncipc.autoconfigure;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.converter.MessageConverter;

/**
 * Makes the JSON converter of the pipes with the application's {@link JsonMapper} where it has
 * one, such as Spring Boot's, so that {@code spring.jackson.*} applies to messages as it does to
 * web requests. Loaded only where Jackson is on the class path.
 */
final class JacksonConverters {

	private JacksonConverters() {
	}

	static MessageConverter create(BeanFactory beanFactory) {
		JsonMapper mapper = beanFactory.getBeanProvider(JsonMapper.class).getIfUnique();
		return (mapper != null) ? new JacksonJsonMessageConverter(mapper) : new JacksonJsonMessageConverter();
	}

}
