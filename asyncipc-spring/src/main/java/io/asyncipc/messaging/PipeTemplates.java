package io.asyncipc.messaging;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@link PipeTemplate} of each pipe of the application, by pipe id. Inject it where the
 * pipe to send on is chosen at run time; where it is known, inject
 * {@code @Qualifier("orders") PipeTemplate} instead.
 */
public class PipeTemplates {

	private final Map<String, PipeTemplate> templates;

	/**
	 * Creates the templates.
	 * @param templates the template of each pipe; two may not share a pipe id
	 */
	public PipeTemplates(Collection<PipeTemplate> templates) {
		Map<String, PipeTemplate> byId = new LinkedHashMap<>();
		for (PipeTemplate template : templates) {
			if (byId.putIfAbsent(template.getPipeId(), template) != null) {
				throw new IllegalArgumentException("two PipeTemplates send on the pipe '" + template.getPipeId()
						+ "'; give each pipe one template");
			}
		}
		this.templates = Collections.unmodifiableMap(byId);
	}

	/**
	 * Returns the template of a pipe.
	 * @param pipeId the pipe's id, such as {@code orders} for {@code asyncipc.pipes.orders}
	 * @return its template
	 * @throws IllegalArgumentException if no pipe has that id
	 */
	public PipeTemplate get(String pipeId) {
		PipeTemplate template = this.templates.get(pipeId);
		if (template == null) {
			throw new IllegalArgumentException(
					"no pipe has the id '" + pipeId + "': the pipes of this application are " + this.templates.keySet());
		}
		return template;
	}

	/**
	 * Returns the ids of the pipes.
	 * @return the ids, in the order the templates were given
	 */
	public Set<String> getPipeIds() {
		return this.templates.keySet();
	}

}
