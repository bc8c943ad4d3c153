"""Pure text functions behind the video-meta-ai and video-prompt-generation skills.

``keywords`` (YAKE keyphrases), ``chapters`` (topic segmentation of timed words), ``copy``
(titles, description, tags, hashtags), ``prompts`` (text-to-video prompts and storyboards).
Nothing here touches the network, the store or the event stream: the agent modules in
``engine/agent/`` call these and turn the results into state and chat text.
"""
